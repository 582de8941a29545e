using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.OAuth2;

public sealed class AuthorizationCodeFlowTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task Alice_signs_in_sees_who_asks_for_what_approves_and_the_app_gets_working_tokens()
    {
        var browser = _oauth.NewBrowser();
        var pkce = Pkce.Create();

        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "openid fhirUser launch/patient probe.read offline_access", pkce));
        Assert.Contains("<strong id=\"client-name\">XYZ Patient App</strong>", consent, StringComparison.Ordinal);
        Assert.Contains("data-scope=\"probe.read\"><strong>Read probes</strong>: Read what the probe recorded.", consent, StringComparison.Ordinal);
        Assert.Contains("data-scope=\"offline_access\"><strong>Stay connected</strong>", consent, StringComparison.Ordinal);

        var callback = Browser.Parameters(await browser.DecideAsync(consent, approve: true));
        Assert.Equal("state-123", callback["state"]);

        var (status, tokens) = await _oauth.TokenAsync(null,
            ("grant_type", "authorization_code"), ("code", callback["code"]), ("redirect_uri", OAuth2Harness.Redirect),
            ("client_id", OAuth2Harness.Public), ("code_verifier", pkce.Verifier));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", (string?)tokens["token_type"]);
        Assert.InRange((int)tokens["expires_in"]!, 3590, 3600);
        Assert.NotNull(tokens["refresh_token"]);
        Assert.NotNull(tokens["id_token"]);

        var validated = await _oauth.ValidateAsync((string)tokens["access_token"]!);
        Assert.True(validated.IsValid, validated.FailureDescription);
        Assert.Equal(OAuth2Harness.Public, validated.ClientId);
        Assert.Equal("alice", validated.Username);
        Assert.Equal(Guid.Parse("dda12af7-1691-11df-97a5-7038c432aabf"), validated.PatientUuid);
        Assert.Contains("probe.read", validated.Scopes);

        using var userinfo = new HttpRequestMessage(HttpMethod.Get, "/ws/oauth2/userinfo");
        userinfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)tokens["access_token"]!);
        var claims = JsonNode.Parse(await (await _oauth.Client.SendAsync(userinfo)).Content.ReadAsStringAsync())!;
        Assert.Equal("http://localhost/ws/fhir/Patient/dda12af7-1691-11df-97a5-7038c432aabf", (string?)claims["fhirUser"]);
    }

    [Fact]
    public async Task Deny_sends_access_denied_to_the_redirect_uri()
    {
        var browser = _oauth.NewBrowser();
        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", Pkce.Create()));

        var location = await browser.DecideAsync(consent, approve: false);

        Assert.StartsWith(OAuth2Harness.Redirect + "?", location.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("access_denied", Browser.Parameters(location)["error"]);
        Assert.Equal("state-123", Browser.Parameters(location)["state"]);
    }

    [Fact]
    public async Task Consent_is_remembered_per_user_and_client_until_the_user_revokes_the_app()
    {
        var browser = _oauth.NewBrowser();
        await browser.CodeFlowAsync(OAuth2Harness.Public, "probe.read", Pkce.Create());

        var again = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", Pkce.Create()));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.True(Browser.Parameters(again.Headers.Location!).ContainsKey("code"));

        var apps = await _oauth.ApiAsync(HttpMethod.Get, "/ws/oauth2/api/authorizations", ("alice", "Alice123"));
        var listed = JsonNode.Parse(await apps.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(OAuth2Harness.Public, (string?)Assert.Single(listed)!["clientId"]);
        Assert.Equal(HttpStatusCode.NoContent, (await _oauth.ApiAsync(HttpMethod.Delete, $"/ws/oauth2/api/authorizations/{OAuth2Harness.Public}", ("alice", "Alice123"))).StatusCode);

        var afterRevoke = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", Pkce.Create()));
        Assert.Equal(HttpStatusCode.OK, afterRevoke.StatusCode);
        Assert.Contains("client-name", await afterRevoke.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_works_once_and_its_second_use_revokes_what_the_first_issued()
    {
        var pkce = Pkce.Create();
        var code = (await _oauth.NewBrowser().CodeFlowAsync(OAuth2Harness.Public, "probe.read offline_access", pkce))["code"];
        (string, string)[] redeem = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", OAuth2Harness.Redirect), ("client_id", OAuth2Harness.Public), ("code_verifier", pkce.Verifier)];

        var (firstStatus, first) = await _oauth.TokenAsync(null, redeem);
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        var (secondStatus, second) = await _oauth.TokenAsync(null, redeem);

        Assert.Equal(HttpStatusCode.BadRequest, secondStatus);
        Assert.Equal("invalid_grant", (string?)second["error"]);
        Assert.False((await _oauth.ValidateAsync((string)first["access_token"]!)).IsValid);
        var (_, refreshed) = await _oauth.TokenAsync(null, ("grant_type", "refresh_token"), ("refresh_token", (string)first["refresh_token"]!), ("client_id", OAuth2Harness.Public));
        Assert.Equal("invalid_grant", (string?)refreshed["error"]);
    }

    [Theory]
    [InlineData(null, "invalid_request")]
    [InlineData("wrong-verifier-wrong-verifier-wrong-verifier-0123", "invalid_grant")]
    public async Task A_missing_or_wrong_pkce_verifier_is_refused(string? verifier, string error)
    {
        var pkce = Pkce.Create();
        var code = (await _oauth.NewBrowser().CodeFlowAsync(OAuth2Harness.Public, "probe.read", pkce))["code"];
        var form = new List<(string, string)> { ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", OAuth2Harness.Redirect), ("client_id", OAuth2Harness.Public) };
        if (verifier is not null)
        {
            form.Add(("code_verifier", verifier));
        }

        var (status, body) = await _oauth.TokenAsync(null, [.. form]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(error, (string?)body["error"]);
    }

    [Theory]
    [InlineData("no verifier")]
    [InlineData("wrong verifier")]
    [InlineData("another redirect_uri")]
    public async Task A_failed_redemption_burns_the_code_so_a_correct_one_cannot_use_it_after(string mistake)
    {
        // RFC 9700 §2.1.1 leaves open whether a code survives a failed redemption; whoever holds a stolen
        // code must not get more than one try, so the stricter choice: the first failure burns the code.
        var pkce = Pkce.Create();
        var code = (await _oauth.NewBrowser().CodeFlowAsync(OAuth2Harness.Public, "probe.read", pkce))["code"];
        (string, string)[] form = [("grant_type", "authorization_code"), ("code", code), ("client_id", OAuth2Harness.Public)];
        (string, string)[] failing = mistake switch
        {
            "no verifier" => [.. form, ("redirect_uri", OAuth2Harness.Redirect)],
            "wrong verifier" => [.. form, ("redirect_uri", OAuth2Harness.Redirect), ("code_verifier", Pkce.Create().Verifier)],
            _ => [.. form, ("redirect_uri", OAuth2Harness.Redirect + "/other"), ("code_verifier", pkce.Verifier)],
        };
        var (failed, _) = await _oauth.TokenAsync(null, failing);
        Assert.Equal(HttpStatusCode.BadRequest, failed);

        var (status, body) = await _oauth.TokenAsync(null, [.. form, ("redirect_uri", OAuth2Harness.Redirect), ("code_verifier", pkce.Verifier)]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
        Assert.Null(body["access_token"]);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghij12")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghij123+")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghij123 ")]
    public async Task A_code_challenge_that_is_not_43_to_128_unreserved_characters_is_refused(string challenge)
    {
        // RFC 7636 §4.2: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");

        var response = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", pkce: null, extra: $"code_challenge={Uri.EscapeDataString(challenge)}&code_challenge_method=S256"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var error = Browser.Parameters(response.Headers.Location!);
        Assert.Equal("invalid_request", error["error"]);
        Assert.Contains("code_challenge", error["error_description"], StringComparison.Ordinal);
        Assert.False(error.ContainsKey("code"));
    }

    [Fact]
    public async Task A_code_challenge_of_128_characters_is_accepted()
    {
        var browser = _oauth.NewBrowser();
        var challenge = new string('a', 100) + "-._~" + new string('Z', 24);

        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", pkce: null, extra: $"code_challenge={challenge}&code_challenge_method=S256"));

        Assert.Contains("consent", consent, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_public_client_must_send_a_pkce_challenge()
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");

        var response = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", pkce: null));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("invalid_request", Browser.Parameters(response.Headers.Location!)["error"]);
    }

    [Fact]
    public async Task The_plain_pkce_method_is_refused()
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");

        var response = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", pkce: null, extra: "code_challenge=abcdefghijabcdefghijabcdefghijabcdefghij12345&code_challenge_method=plain"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var error = Browser.Parameters(response.Headers.Location!);
        Assert.Equal("invalid_request", error["error"]);
        Assert.Contains("code_challenge_method", error["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_confidential_client_may_use_pkce_and_it_is_then_enforced()
    {
        var pkce = Pkce.Create();
        var code = (await _oauth.NewBrowser().CodeFlowAsync(OAuth2Harness.Confidential, "probe.read", pkce))["code"];

        var (status, body) = await _oauth.TokenAsync((OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret),
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", OAuth2Harness.Redirect));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", (string?)body["error"]);
        Assert.Contains("code_verifier", (string?)body["error_description"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5173/callbacK")]
    [InlineData("http://127.0.0.1:5173/callback/")]
    [InlineData("https://127.0.0.1:5173/callback")]
    [InlineData("http://evil.example/callback")]
    public async Task A_redirect_uri_not_registered_exactly_gets_an_error_page_and_never_a_redirect(string redirectUri)
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");

        var response = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", Pkce.Create(), redirectUri: redirectUri));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("This app&#x27;s request was refused", page, StringComparison.Ordinal);
        Assert.Contains("redirect_uri", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_client_gets_an_error_page()
    {
        var response = await _oauth.NewBrowser().GetAsync(Browser.AuthorizeUrl("nobody", "probe.read", Pkce.Create()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_issued_to_one_client_cannot_be_redeemed_by_another()
    {
        var code = (await _oauth.NewBrowser().CodeFlowAsync(OAuth2Harness.Confidential, "probe.read", pkce: null))["code"];

        var (status, body) = await _oauth.TokenAsync(null,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", OAuth2Harness.Redirect), ("client_id", OAuth2Harness.Public), ("code_verifier", Pkce.Create().Verifier));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
    }

    [Fact]
    public async Task An_expired_code_is_refused()
    {
        var pkce = Pkce.Create();
        var code = (await _oauth.NewBrowser().CodeFlowAsync(OAuth2Harness.Public, "probe.read", pkce))["code"];
        _oauth.Clock.Advance(TimeSpan.FromMinutes(2));

        var (status, body) = await _oauth.TokenAsync(null,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", OAuth2Harness.Redirect), ("client_id", OAuth2Harness.Public), ("code_verifier", pkce.Verifier));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
    }

    [Fact]
    public async Task A_scope_the_server_does_not_offer_is_invalid_scope_at_the_redirect_uri()
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");

        var response = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read launch.missiles", Pkce.Create()));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("invalid_scope", Browser.Parameters(response.Headers.Location!)["error"]);
    }

    [Fact]
    public async Task The_consent_form_refuses_a_post_without_its_antiforgery_token()
    {
        var browser = _oauth.NewBrowser();
        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", Pkce.Create()));
        var forged = HtmlForm.Find(consent, "/ws/oauth2/authorize").Without("__RequestVerificationToken").With("consent_decision", "approve");

        var response = await browser.Client.PostAsync(forged.Action, forged.Content());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task The_implicit_grant_puts_the_token_in_the_fragment_without_a_refresh_token()
    {
        var browser = _oauth.NewBrowser();
        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read offline_access", pkce: null, responseType: "token"));

        var location = await browser.DecideAsync(consent, approve: true);

        Assert.Empty(location.Query);
        var fragment = Browser.Parameters(location);
        Assert.Equal("Bearer", fragment["token_type"]);
        Assert.False(fragment.ContainsKey("refresh_token"));
        Assert.True((await _oauth.ValidateAsync(fragment["access_token"])).IsValid);
    }

    [Fact]
    public async Task The_implicit_grant_is_refused_to_a_client_not_registered_for_it()
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");

        var response = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Confidential, "probe.read", pkce: null, responseType: "token"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("unauthorized_client", Browser.Parameters(response.Headers.Location!)["error"]);
    }

    [Fact]
    public async Task The_fragment_extractor_posts_only_to_the_client_registered_address()
    {
        var response = await _oauth.Client.GetAsync("/ws/oauth2/fragmentextractor.html?client_id=xyz-spa");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<form id=\"deliver\" method=\"post\" action=\"{OAuth2Harness.Redirect}\">", page, StringComparison.Ordinal);
        Assert.Contains("history.replaceState", page, StringComparison.Ordinal);
        Assert.Contains("form-action http://127.0.0.1:5173", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await _oauth.Client.GetAsync("/ws/oauth2/fragmentextractor.html?client_id=nobody")).StatusCode);
    }
}
