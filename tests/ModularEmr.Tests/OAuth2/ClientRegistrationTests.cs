using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Host.Accounts;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.OAuth2;

public sealed class ClientRegistrationTests : IAsyncLifetime
{
    private static readonly (string, string) Bob = ("bob", "Bob12345");
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    private static object WebApp(string name = "Bob's app", string[]? grants = null, string[]? redirects = null, string type = "confidential-web", bool terms = true, bool discouraged = false) => new
    {
        name,
        description = "Reads charts",
        website = "https://bob.example",
        clientType = type,
        redirectUris = redirects ?? [OAuth2Harness.Redirect],
        grantTypes = grants ?? ["authorization_code", "refresh_token"],
        scopes = new[] { "probe.read", "offline_access" },
        acceptTerms = terms,
        acceptDiscouragedGrants = discouraged,
    };

    [Fact]
    public async Task The_module_creates_the_client_developer_role_once()
    {
        Assert.Equal(["1"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT COUNT(*) FROM role WHERE name = 'Client Developer'"));
        var data = _oauth.Host.DataDirectory;
        var modules = _oauth.Host.ModulesFile;
        await _oauth.Host.App.StopAsync();
        await using var again = await EmrTestHost.StartAsync(data, modules);

        Assert.Equal(["1"], await Database.QueryAsync(again.DatabaseFile, "SELECT COUNT(*) FROM role WHERE name = 'Client Developer'"));
        Assert.Equal(["Manage OAuth2 Client Registrations"], await Database.QueryAsync(again.DatabaseFile,
            "SELECT p.name FROM role r JOIN role_privilege rp ON rp.roles_id = r.id JOIN privilege p ON p.id = rp.privileges_id WHERE r.name = 'Client Developer'"));
    }

    [Fact]
    public async Task Bob_registers_an_app_and_sees_the_secret_once_stored_only_hashed()
    {
        var response = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, WebApp());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var clientId = (string)body["client"]!["clientId"]!;
        var secret = (string)body["clientSecret"]!;
        Assert.True(secret.Length >= 40);
        Assert.Equal(["authorization_code", "refresh_token"], body["client"]!["grantTypes"]!.AsArray().Select(g => (string)g!));

        var again = JsonNode.Parse(await (await _oauth.ApiAsync(HttpMethod.Get, $"/ws/oauth2/api/clients/{clientId}", Bob)).Content.ReadAsStringAsync())!;
        Assert.Null(again["clientSecret"]);
        var stored = Assert.Single(await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT \"ClientSecret\" FROM oauth2_application WHERE \"ClientId\" = $id", ("$id", clientId)));
        Assert.NotEqual(secret, stored);
        Assert.DoesNotContain(secret, stored!, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, _oauth.Host.Logs.All, StringComparison.Ordinal);

        var (status, _) = await _oauth.TokenAsync((clientId, secret), ("grant_type", "authorization_code"), ("code", "x"), ("redirect_uri", OAuth2Harness.Redirect));
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Rotating_the_secret_stops_the_old_one_at_once()
    {
        var created = JsonNode.Parse(await (await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, WebApp(grants: ["client_credentials"], redirects: []))).Content.ReadAsStringAsync())!;
        var clientId = (string)created["client"]!["clientId"]!;
        var old = (string)created["clientSecret"]!;
        Assert.Equal(HttpStatusCode.OK, (await _oauth.TokenAsync((clientId, old), ("grant_type", "client_credentials"))).Status);

        var rotated = JsonNode.Parse(await (await _oauth.ApiAsync(HttpMethod.Post, $"/ws/oauth2/api/clients/{clientId}/secret", Bob)).Content.ReadAsStringAsync())!;
        var fresh = (string)rotated["clientSecret"]!;

        Assert.NotEqual(old, fresh);
        Assert.Equal("invalid_client", (string?)(await _oauth.TokenAsync((clientId, old), ("grant_type", "client_credentials"))).Body["error"]);
        Assert.Equal(HttpStatusCode.OK, (await _oauth.TokenAsync((clientId, fresh), ("grant_type", "client_credentials"))).Status);
    }

    [Fact]
    public async Task An_edit_or_a_deletion_applies_to_the_apps_very_next_token_request()
    {
        var created = JsonNode.Parse(await (await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, WebApp(grants: ["client_credentials"], redirects: []))).Content.ReadAsStringAsync())!;
        var client = ((string)created["client"]!["clientId"]!, (string)created["clientSecret"]!);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _oauth.TokenAsync(client, ("grant_type", "client_credentials"), ("scope", "probe.read"))).Status);
        }

        var edited = await _oauth.ApiAsync(HttpMethod.Put, $"/ws/oauth2/api/clients/{client.Item1}", Bob, WebApp(grants: ["authorization_code"]));
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("unauthorized_client", (string?)(await _oauth.TokenAsync(client, ("grant_type", "client_credentials"), ("scope", "probe.read"))).Body["error"]);

        await _oauth.ApiAsync(HttpMethod.Put, $"/ws/oauth2/api/clients/{client.Item1}", Bob, WebApp(grants: ["client_credentials"], redirects: []));
        Assert.Equal(HttpStatusCode.OK, (await _oauth.TokenAsync(client, ("grant_type", "client_credentials"), ("scope", "probe.read"))).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await _oauth.ApiAsync(HttpMethod.Delete, $"/ws/oauth2/api/clients/{client.Item1}", Bob)).StatusCode);
        Assert.Equal("invalid_client", (string?)(await _oauth.TokenAsync(client, ("grant_type", "client_credentials"), ("scope", "probe.read"))).Body["error"]);
    }

    [Fact]
    public async Task Bob_edits_his_app()
    {
        var created = JsonNode.Parse(await (await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, WebApp())).Content.ReadAsStringAsync())!;
        var clientId = (string)created["client"]!["clientId"]!;

        var edited = await _oauth.ApiAsync(HttpMethod.Put, $"/ws/oauth2/api/clients/{clientId}", Bob, WebApp(name: "Bob's renamed app", redirects: ["https://bob.example/cb"]));

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var view = JsonNode.Parse(await (await _oauth.ApiAsync(HttpMethod.Get, $"/ws/oauth2/api/clients/{clientId}", Bob)).Content.ReadAsStringAsync())!;
        Assert.Equal("Bob's renamed app", (string?)view["name"]);
        Assert.Equal(["https://bob.example/cb"], view["redirectUris"]!.AsArray().Select(u => (string)u!));
    }

    [Fact]
    public async Task A_user_without_the_privilege_and_an_anonymous_caller_are_refused()
    {
        var alice = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", ("alice", "Alice123"), WebApp());
        Assert.Equal(HttpStatusCode.Forbidden, alice.StatusCode);
        Assert.Equal("access_denied", (string?)JsonNode.Parse(await alice.Content.ReadAsStringAsync())!["error"]);

        var anonymous = await _oauth.ApiAsync(HttpMethod.Get, "/ws/oauth2/api/clients", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_developer_cannot_see_or_touch_another_developers_app_but_an_admin_sees_all()
    {
        await using (var scope = _oauth.Host.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountAdministration>().CreateUserAsync("carol", "Carol12345", ["Client Developer"], null, default);
        }

        var carol = ("carol", "Carol12345");
        Assert.Empty(JsonNode.Parse(await (await _oauth.ApiAsync(HttpMethod.Get, "/ws/oauth2/api/clients", carol)).Content.ReadAsStringAsync())!.AsArray());
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/ws/oauth2/api/clients/xyz-emr"), (HttpMethod.Put, "/ws/oauth2/api/clients/xyz-emr"), (HttpMethod.Post, "/ws/oauth2/api/clients/xyz-emr/secret"), (HttpMethod.Delete, "/ws/oauth2/api/clients/xyz-emr") })
        {
            var response = await _oauth.ApiAsync(method, path, carol, method == HttpMethod.Put ? WebApp() : null);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.OK, (await _oauth.TokenAsync((OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret), ("grant_type", "client_credentials"))).Status);
        var all = JsonNode.Parse(await (await _oauth.ApiAsync(HttpMethod.Get, "/ws/oauth2/api/clients", ("admin", "Admin123"))).Content.ReadAsStringAsync())!.AsArray();
        Assert.Contains(all, c => (string?)c!["clientId"] == "xyz-emr");
    }

    [Theory]
    [InlineData("http://bob.example/callback", "invalid_redirect_uri")]
    [InlineData("https://bob.example/callback#frag", "invalid_redirect_uri")]
    [InlineData("callback", "invalid_redirect_uri")]
    public async Task Redirect_uris_must_be_https_except_loopback_and_without_fragment(string redirect, string error)
    {
        var response = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, WebApp(redirects: [redirect]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Fact]
    public async Task Discouraged_grants_need_an_explicit_choice_and_come_with_the_rfc_9700_warning()
    {
        var silent = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, WebApp(grants: ["authorization_code", "password"]));
        Assert.Equal(HttpStatusCode.BadRequest, silent.StatusCode);
        Assert.Contains("RFC 9700", await silent.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var explicitChoice = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, WebApp(grants: ["authorization_code", "password"], discouraged: true));
        Assert.Equal(HttpStatusCode.Created, explicitChoice.StatusCode);
        var warnings = JsonNode.Parse(await explicitChoice.Content.ReadAsStringAsync())!["warnings"]!.AsArray();
        Assert.Contains("RFC 9700", (string?)Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_invalid_registrations_are_refused_with_a_reason()
    {
        async Task<string> Refusal(object body)
        {
            var response = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error_description"]!;
        }

        Assert.Contains("terms", await Refusal(WebApp(terms: false)), StringComparison.Ordinal);
        Assert.Contains("public client", await Refusal(WebApp(type: "public-browser", grants: ["client_credentials"])), StringComparison.Ordinal);
        Assert.Contains("'name'", await Refusal(WebApp(name: " ")), StringComparison.Ordinal);
        Assert.Contains("'clientType'", await Refusal(WebApp(type: "desktop")), StringComparison.Ordinal);
        Assert.Contains("not offered", await Refusal(new { name = "x", clientType = "confidential-web", grantTypes = new[] { "client_credentials" }, scopes = new[] { "everything" }, acceptTerms = true }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_json_body_is_a_400_not_a_500()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/api/clients")
        {
            Content = new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = OAuth2Harness.BasicHeader("bob", "Bob12345");

        var response = await _oauth.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_portal_registers_an_app_shows_the_secret_once_and_refuses_a_forged_form()
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("bob", "Bob12345");
        var portal = await browser.Client.GetStringAsync("/ws/oauth2/clients");
        Assert.Contains("xyz-emr", portal, StringComparison.Ordinal);

        var form = HtmlForm.Find(portal, "/ws/oauth2/clients").With("name", "Portal app").With("clientType", "confidential-web")
            .With("redirectUris", OAuth2Harness.Redirect).With("grantTypes", "authorization_code").With("scopes", "probe.read").With("acceptTerms", "true");
        var forged = await browser.Client.PostAsync(form.Action, form.Without("__RequestVerificationToken").Content());
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var created = await browser.Client.PostAsync(form.Action, form.Content());
        var page = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("id=\"client-secret\"", page, StringComparison.Ordinal);
        Assert.Contains("no-store", created.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

        var list = await browser.Client.GetStringAsync("/ws/oauth2/clients");
        Assert.Contains("Portal app", list, StringComparison.Ordinal);
        Assert.DoesNotContain("client-secret", list, StringComparison.Ordinal);
    }
}
