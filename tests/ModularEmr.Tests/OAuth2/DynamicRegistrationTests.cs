using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.Smart;

namespace ModularEmr.Tests.OAuth2;

/// <summary>
/// Dynamic client registration over real HTTP: RFC 7591 with an initial access token made by the admin CLI,
/// the portal's rules applied to the RFC's metadata, and RFC 7592 management with a registration access token.
/// </summary>
public sealed class DynamicRegistrationTests(SharedHarness shared) : IClassFixture<SharedHarness>
{
    private static readonly (string, string) Bob = ("bob", "Bob12345");
    private readonly OAuth2Harness _oauth = shared.OAuth;

    [Fact]
    public async Task A_public_app_registered_with_an_initial_token_belongs_to_its_developer_and_must_use_pkce()
    {
        using var response = await _oauth.DynamicRegistrationAsync(await shared.InitialAccessTokenAsync(), new Dictionary<string, object>
        {
            ["client_name"] = "Pocket Chart",
            ["redirect_uris"] = new[] { "https://pocket.example/callback" },
            ["token_endpoint_auth_method"] = "none",
            ["grant_types"] = new[] { "authorization_code", "refresh_token" },
            ["response_types"] = new[] { "code" },
            ["scope"] = "openid fhirUser launch/patient patient/Patient.rs offline_access",
            ["contacts"] = new[] { "dev@pocket.example" },
            ["logo_uri"] = "https://pocket.example/logo.png",
            ["client_uri"] = "https://pocket.example",
            ["tos_uri"] = "https://pocket.example/terms",
            ["policy_uri"] = "https://pocket.example/privacy",
            ["software_id"] = "pocket-chart",
            ["software_version"] = "2.1",
            ["made_up_member"] = "ignored, as RFC 7591 §2 asks",
        });

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("no-cache", response.Headers.Pragma.ToString(), StringComparison.Ordinal);
        var client = JsonNode.Parse(text)!.AsObject();
        var clientId = (string)client["client_id"]!;
        Assert.False(client.ContainsKey("client_secret"));
        Assert.False(client.ContainsKey("client_secret_expires_at"));
        Assert.False(client.ContainsKey("jwks"));
        Assert.Equal(System.Text.Json.JsonValueKind.Number, client["client_id_issued_at"]!.GetValueKind());
        Assert.InRange((long)client["client_id_issued_at"]!, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        Assert.Equal($"http://localhost/ws/oauth2/register/{clientId}", (string?)client["registration_client_uri"]);
        Assert.Equal(response.Headers.Location?.ToString(), (string?)client["registration_client_uri"]);
        Assert.True(((string?)client["registration_access_token"])?.Length >= 43);
        Assert.Equal("Pocket Chart", (string?)client["client_name"]);
        Assert.Equal(["https://pocket.example/callback"], client["redirect_uris"]!.AsArray().Select(u => (string)u!));
        Assert.Equal(["authorization_code", "refresh_token"], client["grant_types"]!.AsArray().Select(g => (string)g!));
        Assert.Equal(["code"], client["response_types"]!.AsArray().Select(r => (string)r!));
        Assert.Equal("none", (string?)client["token_endpoint_auth_method"]);
        Assert.Equal("fhirUser launch/patient offline_access openid patient/Patient.rs", (string?)client["scope"]);
        Assert.Equal(["dev@pocket.example"], client["contacts"]!.AsArray().Select(c => (string)c!));
        Assert.Equal("https://pocket.example/logo.png", (string?)client["logo_uri"]);
        Assert.Equal("https://pocket.example", (string?)client["client_uri"]);
        Assert.Equal("https://pocket.example/terms", (string?)client["tos_uri"]);
        Assert.Equal("https://pocket.example/privacy", (string?)client["policy_uri"]);
        Assert.Equal("pocket-chart", (string?)client["software_id"]);
        Assert.Null(client["made_up_member"]);

        // Bob's portal lists it as his.
        using var portal = await _oauth.ApiAsync(HttpMethod.Get, $"/ws/oauth2/api/clients/{clientId}", Bob);
        Assert.Equal(HttpStatusCode.OK, portal.StatusCode);
        var listed = JsonNode.Parse(await portal.Content.ReadAsStringAsync())!;
        Assert.Equal("public-browser", (string?)listed["clientType"]);
        Assert.Equal(await BobsUuidAsync(), (string?)listed["owner"]);

        // A public client gets PKCE: an authorization request without a code challenge is refused at its redirect URI.
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");
        using var authorize = await browser.GetAsync(Browser.AuthorizeUrl(clientId, "patient/Patient.rs", pkce: null, redirectUri: "https://pocket.example/callback"));
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var refusal = Browser.Parameters(authorize.Headers.Location!);
        Assert.Equal("invalid_request", refusal["error"]);
        Assert.Contains("code_challenge", refusal["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_names_the_registration_endpoint()
    {
        var openid = JsonNode.Parse(await _oauth.Client.GetStringAsync("/.well-known/openid-configuration"))!;
        var smart = JsonNode.Parse(await _oauth.Client.GetStringAsync("/ws/fhir/.well-known/smart-configuration"))!;

        Assert.Equal("http://localhost/ws/oauth2/register", (string?)openid["registration_endpoint"]);
        Assert.Equal("http://localhost/ws/oauth2/register", (string?)smart["registration_endpoint"]);
    }

    [Fact]
    public async Task Without_a_usable_initial_token_nothing_is_registered()
    {
        var once = await _oauth.InitialAccessTokenAsync("bob", uses: 1);
        var expired = await _oauth.InitialAccessTokenAsync("bob", uses: 5);
        await Database.QueryAsync(_oauth.Host.DatabaseFile, "UPDATE oauth2_initial_access_token SET expires_at = 0 WHERE token_hash = $hash", ("$hash", Hash(expired)));
        var before = await RegisteredCountAsync();

        using (var first = await _oauth.DynamicRegistrationAsync(once, Confidential("First")))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        foreach (var (why, token) in new[] { ("none", null), ("unknown", "not-a-token-we-made"), ("used up", once), ("expired", expired) })
        {
            using var refused = await _oauth.DynamicRegistrationAsync(token, Confidential("Refused " + why));
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, why);
            var challenge = refused.Headers.WwwAuthenticate.Single();
            Assert.Equal("Bearer", challenge.Scheme);
            // RFC 6750 §3.1: no error code when no token was presented.
            Assert.Equal(token is null ? null : "error=\"invalid_token\"", challenge.Parameter);
            Assert.Equal("invalid_token", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]);
        }

        Assert.Equal(before + 1, await RegisteredCountAsync());
    }

    [Fact]
    public async Task Racing_registrations_never_exceed_the_initial_tokens_uses()
    {
        var token = await _oauth.InitialAccessTokenAsync("bob", uses: 3);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var response = await _oauth.DynamicRegistrationAsync(token, Confidential($"Racer {i}"));
            return response.StatusCode;
        }));

        Assert.Equal(3, answers.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(7, answers.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(["0"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT uses_left FROM oauth2_initial_access_token WHERE token_hash = $hash", ("$hash", Hash(token))));
    }

    public static TheoryData<string, string, string> BadMetadata => new()
    {
        { "javascript: redirect", """{"client_name":"x","scope":"openid","token_endpoint_auth_method":"none","redirect_uris":["javascript:alert(1)"]}""", "invalid_redirect_uri" },
        { "data: redirect", """{"client_name":"x","scope":"openid","token_endpoint_auth_method":"none","redirect_uris":["data:text/html,hi"]}""", "invalid_redirect_uri" },
        { "fragment", """{"client_name":"x","scope":"openid","redirect_uris":["https://app.example/cb#frag"]}""", "invalid_redirect_uri" },
        { "plain http off loopback", """{"client_name":"x","scope":"openid","redirect_uris":["http://app.example/cb"]}""", "invalid_redirect_uri" },
        { "no redirect for the code flow", """{"client_name":"x","scope":"openid"}""", "invalid_redirect_uri" },
        { "implicit", """{"client_name":"x","scope":"openid","grant_types":["implicit"],"redirect_uris":["https://app.example/cb"]}""", "invalid_client_metadata" },
        { "password", """{"client_name":"x","scope":"openid","grant_types":["password"]}""", "invalid_client_metadata" },
        { "response types that disagree", """{"client_name":"x","scope":"openid","response_types":["token"],"redirect_uris":["https://app.example/cb"]}""", "invalid_client_metadata" },
        { "public client credentials", """{"client_name":"x","scope":"system/Patient.rs","token_endpoint_auth_method":"none","grant_types":["client_credentials"]}""", "invalid_client_metadata" },
        { "client_secret_jwt", """{"client_name":"x","scope":"openid","token_endpoint_auth_method":"client_secret_jwt","redirect_uris":["https://app.example/cb"]}""", "invalid_client_metadata" },
        { "jwks_uri", """{"client_name":"x","scope":"system/Patient.rs","token_endpoint_auth_method":"private_key_jwt","grant_types":["client_credentials"],"jwks_uri":"https://app.example/jwks"}""", "invalid_client_metadata" },
        { "private_key_jwt without keys", """{"client_name":"x","scope":"system/Patient.rs","token_endpoint_auth_method":"private_key_jwt","grant_types":["client_credentials"]}""", "invalid_client_metadata" },
        { "no client_name", """{"scope":"openid","redirect_uris":["https://app.example/cb"]}""", "invalid_client_metadata" },
        { "no scope", """{"client_name":"x","redirect_uris":["https://app.example/cb"]}""", "invalid_client_metadata" },
        { "unknown scope", """{"client_name":"x","scope":"openid admin.everything","redirect_uris":["https://app.example/cb"]}""", "invalid_client_metadata" },
        { "javascript: logo", """{"client_name":"x","scope":"openid","redirect_uris":["https://app.example/cb"],"logo_uri":"javascript:alert(1)"}""", "invalid_client_metadata" },
        { "a chosen secret", """{"client_name":"x","scope":"openid","redirect_uris":["https://app.example/cb"],"client_secret":"mine"}""", "invalid_client_metadata" },
        { "a null redirect URI", """{"client_name":"x","scope":"openid","redirect_uris":[null]}""", "invalid_redirect_uri" },
        { "redirect_uris not a list", """{"client_name":"x","scope":"openid","redirect_uris":"https://app.example/cb"}""", "invalid_client_metadata" },
        { "not JSON", """client_name=x""", "invalid_client_metadata" },
        { "a JSON array", """[]""", "invalid_client_metadata" },
    };

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public async Task Bad_metadata_is_refused_with_the_rfc_7591_error_and_costs_no_use(string why, string body, string error)
    {
        var token = await shared.InitialAccessTokenAsync();
        var usesBefore = await UsesLeftAsync(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/register")
        {
            Content = new StringContent(body, Encoding.UTF8, why == "not JSON" ? "application/x-www-form-urlencoded" : "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await _oauth.Client.SendAsync(request);

        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {answer.ToJsonString()}");
        Assert.Equal(error, (string?)answer["error"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)answer["error_description"]));
        Assert.Equal(usesBefore, await UsesLeftAsync(token));
    }

    [Fact]
    public async Task The_registration_token_reads_updates_and_deletes_its_client_and_is_replaced_each_time()
    {
        using var created = await _oauth.DynamicRegistrationAsync(await shared.InitialAccessTokenAsync(), Confidential("Ward Board"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var registered = JsonNode.Parse(await created.Content.ReadAsStringAsync())!.AsObject();
        var clientId = (string)registered["client_id"]!;
        var secret = (string)registered["client_secret"]!;
        var uri = new Uri((string)registered["registration_client_uri"]!).PathAndQuery;
        var first = (string)registered["registration_access_token"]!;
        Assert.Equal(0, (long)registered["client_secret_expires_at"]!);
        Assert.Equal("client_secret_basic", (string?)registered["token_endpoint_auth_method"]);

        // The secret works at the token endpoint.
        var (status, token) = await _oauth.TokenAsync((clientId, secret), ("grant_type", "client_credentials"), ("scope", "system/Patient.rs"));
        Assert.True(status == HttpStatusCode.OK, token.ToJsonString());

        // Read: the same metadata and token, no secret.
        var (read, echoed) = await ManageAsync(HttpMethod.Get, uri, first);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Null(read.Body["client_secret"]);
        Assert.Equal("Ward Board", (string?)read.Body["client_name"]);
        Assert.Equal(first, echoed);

        // Updates that RFC 7592 §2.2 forbids are refused and change nothing.
        var update = Confidential("Ward Board 2", "https://board.example/other");
        update["client_id"] = clientId;
        var wrongId = new Dictionary<string, object>(update) { ["client_id"] = "someone-else" };
        var wrongSecret = new Dictionary<string, object>(update) { ["client_secret"] = "guess" };
        var serverOnly = new Dictionary<string, object>(update) { ["registration_access_token"] = first };
        foreach (var forbidden in new[] { wrongId, wrongSecret, serverOnly })
        {
            var (refused, _) = await ManageAsync(HttpMethod.Put, uri, first, forbidden);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("invalid_client_metadata", (string?)refused.Body["error"]);
        }

        Assert.Equal("Ward Board", (string?)(await ManageAsync(HttpMethod.Get, uri, first)).Answer.Body["client_name"]);

        // The portal's own fields, which RFC 7591 cannot express, survive an update through the RFC.
        using (var portalEdit = await _oauth.ApiAsync(HttpMethod.Put, $"/ws/oauth2/api/clients/{clientId}", Bob, new
        {
            name = "Ward Board",
            description = "Set in the portal",
            clientType = "confidential-web",
            redirectUris = new[] { "https://board.example/callback" },
            grantTypes = new[] { "authorization_code", "client_credentials" },
            scopes = new[] { "openid", "system/Patient.rs", "user/Patient.rs" },
            allowedOrigins = new[] { "https://board.example" },
            launchUri = "https://board.example/launch",
            acceptTerms = true,
        }))
        {
            Assert.Equal(HttpStatusCode.OK, portalEdit.StatusCode);
        }

        // A full update with the current secret is applied.
        var (updated, third) = await ManageAsync(HttpMethod.Put, uri, first, new Dictionary<string, object>(update) { ["client_secret"] = secret });
        Assert.True(updated.Status == HttpStatusCode.OK, updated.Body.ToJsonString());
        Assert.Equal(first, third);
        Assert.Equal("Ward Board 2", (string?)updated.Body["client_name"]);
        Assert.Equal(["https://board.example/other"], updated.Body["redirect_uris"]!.AsArray().Select(u => (string)u!));
        using (var portal = await _oauth.ApiAsync(HttpMethod.Get, $"/ws/oauth2/api/clients/{clientId}", Bob))
        {
            var view = JsonNode.Parse(await portal.Content.ReadAsStringAsync())!;
            Assert.Equal("Ward Board 2", (string?)view["name"]);
            Assert.Equal("Set in the portal", (string?)view["description"]);
            Assert.Equal("https://board.example/launch", (string?)view["launchUri"]);
            Assert.Equal(["https://board.example"], view["allowedOrigins"]!.AsArray().Select(o => (string)o!));
        }

        // Another client's registration URL with this token is not found, as if it did not exist.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ManageAsync(HttpMethod.Get, "/ws/oauth2/register/xyz-emr", first)).Answer.Status);

        // Delete: the client and its tokens end at once.
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, uri))
        {
            delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", first);
            using var deleted = await _oauth.Client.SendAsync(delete);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var read2 = new HttpRequestMessage(HttpMethod.Get, "/ws/fhir/Patient?_count=1");
        read2.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)token["access_token"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _oauth.Client.SendAsync(read2)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ManageAsync(HttpMethod.Get, uri, first)).Answer.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _oauth.TokenAsync((clientId, secret), ("grant_type", "client_credentials"), ("scope", "system/Patient.rs"))).Status);
    }

    /// <summary>
    /// The interleaving behind a rare failure of the racing test on PostgreSQL, made deterministic: a request that
    /// loaded a client, then looks it up again after another request changed it, gets its own tracked (older)
    /// copy, as EF Core does; that copy must not become what every later request is served.
    /// </summary>
    [Fact]
    public async Task A_client_looked_up_again_by_a_request_that_loaded_it_before_a_change_does_not_hide_the_change_from_later_requests()
    {
        using var created = await _oauth.DynamicRegistrationAsync(await shared.InitialAccessTokenAsync(), Confidential("Before the change"));
        var registered = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var clientId = (string)registered["client_id"]!;
        var uri = new Uri((string)registered["registration_client_uri"]!).PathAndQuery;
        var token = (string)registered["registration_access_token"]!;

        await using var slow = _oauth.Host.CreateScope();
        var applications = ApplicationManager.In(slow.ServiceProvider);
        Assert.Equal("Before the change", await applications.DisplayNameAsync(clientId));

        var metadata = Confidential("After the change");
        metadata["client_id"] = clientId;
        var (updated, _) = await ManageAsync(HttpMethod.Put, uri, token, metadata);
        Assert.Equal(HttpStatusCode.OK, updated.Status);

        // Any other client's change moves the count on, so the next lookup of this one reads the store.
        using var other = await _oauth.DynamicRegistrationAsync(await shared.InitialAccessTokenAsync(), Confidential("Another client"));
        var otherRegistration = JsonNode.Parse(await other.Content.ReadAsStringAsync())!;
        var otherMetadata = Confidential("Another client, renamed");
        otherMetadata["client_id"] = (string)otherRegistration["client_id"]!;
        var otherUri = new Uri((string)otherRegistration["registration_client_uri"]!).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await ManageAsync(HttpMethod.Put, otherUri, (string)otherRegistration["registration_access_token"]!, otherMetadata)).Answer.Status);

        // The slow request sees what it loaded (EF Core's identity resolution) ...
        Assert.Equal("Before the change", await applications.DisplayNameAsync(clientId));

        // ... and every later request sees the change.
        Assert.Equal("After the change", (string?)(await ManageAsync(HttpMethod.Get, uri, token)).Answer.Body["client_name"]);
        await using var later = _oauth.Host.CreateScope();
        Assert.Equal("After the change", await ApplicationManager.In(later.ServiceProvider).DisplayNameAsync(clientId));
    }

    [Fact]
    public async Task Racing_updates_and_deletes_are_each_answered_and_leave_one_outcome()
    {
        using var created = await _oauth.DynamicRegistrationAsync(await shared.InitialAccessTokenAsync(), Confidential("Racer"));
        var registered = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var clientId = (string)registered["client_id"]!;
        var uri = new Uri((string)registered["registration_client_uri"]!).PathAndQuery;
        var token = (string)registered["registration_access_token"]!;

        var updates = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
        {
            var metadata = Confidential($"Racer {i}");
            metadata["client_id"] = clientId;
            return ManageAsync(HttpMethod.Put, uri, token, metadata);
        }));

        // Each update is applied or refused as a conflict (409, nothing written); never a 500.
        Assert.All(updates, u => Assert.True(u.Answer.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, u.Answer.Body.ToJsonString() + string.Join('\n', _oauth.Host.Logs.Lines.Where(l => l.Contains("xception", StringComparison.Ordinal)).Take(2))));
        var applied = updates.Where(u => u.Answer.Status == HttpStatusCode.OK).Select(u => (string)u.Answer.Body["client_name"]!).ToList();
        Assert.NotEmpty(applied);
        Assert.Contains((string?)(await ManageAsync(HttpMethod.Get, uri, token)).Answer.Body["client_name"], applied);

        var deletes = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var delete = new HttpRequestMessage(HttpMethod.Delete, uri);
            delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await _oauth.Client.SendAsync(delete);
            return response.StatusCode;
        }));

        Assert.True(deletes.Count(s => s == HttpStatusCode.NoContent) == 1, string.Join(", ", deletes) + "\n" + string.Join('\n', _oauth.Host.Logs.Lines.Where(l => l.Contains("xception", StringComparison.Ordinal)).Take(3)));
        Assert.All(deletes, s => Assert.True(s is HttpStatusCode.NoContent or HttpStatusCode.Unauthorized or HttpStatusCode.Conflict, s.ToString()));
        Assert.Equal(["0"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT COUNT(*) FROM oauth2_client_registration WHERE \"ClientId\" = $id", ("$id", clientId)));
        Assert.Equal(["0"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT COUNT(*) FROM oauth2_application WHERE \"ClientId\" = $id", ("$id", clientId)));
    }

    [Fact]
    public async Task Racing_edits_in_the_developer_api_are_each_answered_never_with_a_500()
    {
        object App(string name) => new
        {
            name,
            clientType = "confidential-web",
            redirectUris = new[] { "https://board.example/callback" },
            grantTypes = new[] { "authorization_code" },
            scopes = new[] { "openid" },
            acceptTerms = true,
        };
        using var created = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, App("Portal racer"));
        var clientId = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["client"]!["clientId"]!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var response = await _oauth.ApiAsync(HttpMethod.Put, $"/ws/oauth2/api/clients/{clientId}", Bob, App($"Portal racer {i}"));
            return response.StatusCode;
        }));

        Assert.All(answers, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, s.ToString()));
        Assert.Contains(HttpStatusCode.OK, answers);
    }

    [Fact]
    public async Task The_cli_makes_tokens_only_for_developers_and_within_bounds_whatever_the_order_of_options()
    {
        var notDeveloper = await _oauth.Host.RunCliAsync("clients", "initial-token", "--developer", "alice");
        var nobody = await _oauth.Host.RunCliAsync("clients", "initial-token", "--developer", "nobody");
        var zeroUses = await _oauth.Host.RunCliAsync("clients", "initial-token", "--developer", "bob", "--uses", "0");
        var noDeveloper = await _oauth.Host.RunCliAsync("clients", "initial-token");
        var tooMany = await _oauth.Host.RunCliAsync("clients", "initial-token", "--developer", "bob", "--uses", "1001");
        var tooLong = await _oauth.Host.RunCliAsync("clients", "initial-token", "--developer", "bob", "--expires-in-hours", "721");
        var unknown = await _oauth.Host.RunCliAsync("clients", "made-up");
        var optionsFirst = await _oauth.Host.RunCliAsync(optionsFirst: true, "clients", "initial-token", "--developer", "bob");

        Assert.Equal(1, notDeveloper.Exit);
        Assert.Contains("Client Developer", notDeveloper.Error, StringComparison.Ordinal);
        Assert.Equal(1, nobody.Exit);
        Assert.Contains("no user 'nobody'", nobody.Error, StringComparison.Ordinal);
        Assert.Equal(1, zeroUses.Exit);
        Assert.Contains("--uses", zeroUses.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, noDeveloper.Exit);
        Assert.Contains("--developer", noDeveloper.Error, StringComparison.Ordinal);
        Assert.Equal(1, tooMany.Exit);
        Assert.Contains("from 1 to 1000", tooMany.Error, StringComparison.Ordinal);
        Assert.Equal(1, tooLong.Exit);
        Assert.Contains("--expires-in-hours", tooLong.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, unknown.Exit);
        Assert.Contains("made-up", unknown.Error, StringComparison.Ordinal);
        Assert.True(optionsFirst.Exit == 0, optionsFirst.Error);
        using var help = new StringWriter();
        Assert.Equal(0, await ModularEmr.Host.Hosting.EmrProgram.RunAsync(["--help"], help, TextWriter.Null));
        Assert.Contains("users", help.ToString(), StringComparison.Ordinal);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", optionsFirst.Output.TrimEnd().Split('\n')[^1]);
    }

    private static Dictionary<string, object> Confidential(string name, string redirect = "https://board.example/callback") => new()
    {
        ["client_name"] = name,
        ["redirect_uris"] = new[] { redirect },
        ["grant_types"] = new[] { "authorization_code", "client_credentials" },
        ["scope"] = "openid system/Patient.rs user/Patient.rs",
    };

    private async Task<((HttpStatusCode Status, JsonObject Body) Answer, string? NextToken)> ManageAsync(HttpMethod method, string uri, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await _oauth.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
        return ((response.StatusCode, json), (string?)json["registration_access_token"]);
    }

    private async Task<string?> BobsUuidAsync() =>
        (await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT uuid FROM users WHERE username = 'bob'")).Single();

    private async Task<int> RegisteredCountAsync() =>
        int.Parse((await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT COUNT(*) FROM oauth2_client_registration")).Single()!, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string?> UsesLeftAsync(string token) =>
        (await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT uses_left FROM oauth2_initial_access_token WHERE token_hash = $hash", ("$hash", Hash(token)))).Single();

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
