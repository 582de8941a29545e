using System.Net;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.OAuth2;

public sealed class SessionAndDiscoveryTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task Discovery_names_the_design_urls_and_the_jwks_publishes_only_the_signing_key()
    {
        var discovery = JsonNode.Parse(await _oauth.Client.GetStringAsync("/.well-known/openid-configuration"))!;

        Assert.Equal("http://localhost/ws/oauth2/authorize", (string?)discovery["authorization_endpoint"]);
        Assert.Equal("http://localhost/ws/oauth2/token", (string?)discovery["token_endpoint"]);
        Assert.Equal("http://localhost/ws/oauth2/revoke", (string?)discovery["revocation_endpoint"]);
        Assert.Equal("http://localhost/ws/oauth2/introspect", (string?)discovery["introspection_endpoint"]);
        Assert.Equal("http://localhost/ws/oauth2/userinfo", (string?)discovery["userinfo_endpoint"]);
        Assert.Equal("http://localhost/ws/oauth2/logout", (string?)discovery["end_session_endpoint"]);
        Assert.Equal(["S256"], discovery["code_challenge_methods_supported"]!.AsArray().Select(m => (string)m!));

        var jwks = JsonNode.Parse(await _oauth.Client.GetStringAsync((string)discovery["jwks_uri"]!))!;
        var key = Assert.Single(jwks["keys"]!.AsArray());
        Assert.Equal("sig", (string?)key!["use"]);
        Assert.Equal("RSA", (string?)key["kty"]);
        Assert.Null(key["d"]);

        // The HMAC key that signs tokens only this server reads is never published, nor used for ID tokens.
        Assert.Null(key["k"]);
        Assert.Equal(["RS256"], discovery["id_token_signing_alg_values_supported"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task Logout_ends_the_session()
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/ws/oauth2/authorizations")).StatusCode);

        // Without an id_token_hint the user confirms on a form of ours (logout CSRF, RP-Initiated Logout §6).
        var confirm = await browser.GetAsync("/ws/oauth2/logout");
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/ws/oauth2/authorizations")).StatusCode);
        var form = HtmlForm.Find(await confirm.Content.ReadAsStringAsync(), "/ws/oauth2/logout");

        var logout = await browser.Client.PostAsync(form.Action, form.Content());

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var after = await browser.GetAsync("/ws/oauth2/authorizations");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/ws/oauth2/authenticate_user", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_page_gives_one_message_for_every_failure_and_refuses_a_forged_form()
    {
        var browser = _oauth.NewBrowser();
        var page = await browser.Client.GetStringAsync("/ws/oauth2/authenticate_user");
        var form = HtmlForm.Find(page, "/ws/oauth2/authenticate_user");

        var wrong = await browser.Client.PostAsync(form.Action, form.With("username", "alice").With("password", "nope").Content());
        var unknown = await browser.Client.PostAsync(form.Action, form.With("username", "nobody").With("password", "nope").Content());
        var forged = await browser.Client.PostAsync(form.Action, form.Without("__RequestVerificationToken").With("username", "alice").With("password", "Alice123").Content());

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Invalid username or password. Please try again.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Invalid username or password. Please try again.", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task The_login_page_never_returns_to_another_site()
    {
        var browser = _oauth.NewBrowser();
        var page = await browser.Client.GetStringAsync("/ws/oauth2/authenticate_user?returnUrl=https%3A%2F%2Fevil.example%2F");
        var form = HtmlForm.Find(page, "/ws/oauth2/authenticate_user").With("username", "alice").With("password", "Alice123");

        var response = await browser.Client.PostAsync(form.Action, form.Content());

        Assert.Equal("/ws/oauth2/authorizations", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Alice_revokes_an_app_from_her_page_and_its_token_dies()
    {
        var tokens = await _oauth.PasswordTokenAsync();
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");
        var page = await browser.Client.GetStringAsync("/ws/oauth2/authorizations");
        Assert.Contains("XYZ EMR", page, StringComparison.Ordinal);

        var form = HtmlForm.Find(page, "/ws/oauth2/authorizations/xyz-emr/revoke");
        var response = await browser.Client.PostAsync(form.Action, form.Content());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False((await _oauth.ValidateAsync((string)tokens["access_token"]!)).IsValid);
        Assert.Contains("You have not authorized any app.", await browser.Client.GetStringAsync("/ws/oauth2/authorizations"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_token_code_secret_or_password_reaches_the_logs()
    {
        var pkce = Pkce.Create();
        var code = (await _oauth.NewBrowser().CodeFlowAsync(OAuth2Harness.Confidential, "probe.read offline_access", pkce))["code"];
        var (_, exchanged) = await _oauth.TokenAsync((OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret),
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", OAuth2Harness.Redirect), ("code_verifier", pkce.Verifier));
        var password = await _oauth.PasswordTokenAsync();
        await _oauth.ValidateAsync((string)password["access_token"]!);

        var logs = _oauth.Host.Logs.All;
        foreach (var secret in new[]
        {
            code, (string)exchanged["access_token"]!, (string)exchanged["refresh_token"]!, (string)password["access_token"]!,
            (string)password["refresh_token"]!, OAuth2Harness.ConfidentialSecret, "Alice123", pkce.Verifier,
        })
        {
            var leak = _oauth.Host.Logs.Lines.FirstOrDefault(line => line.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"a log line holds a secret: {leak}");
        }
    }
}
