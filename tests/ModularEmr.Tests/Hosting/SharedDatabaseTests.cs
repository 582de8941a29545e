using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// Two host instances, A and B, on one PostgreSQL database (each with its own data folder), as behind a
/// load balancer. What one instance commits holds at the other on the very next request (DESIGN §7: a
/// revocation, client deletion or secret rotation committed on A is refused by B on the very next request),
/// even when B has already seen, and so cached, what changed: tokens, client secrets, records, sign-in
/// cookies and antiforgery tokens, the password-grant throttle and account lockout.
/// </summary>
public sealed class SharedDatabaseTests
{
    private const string Alice = FhirHarness.AliceId;
    private const string LoginPath = "/ws/oauth2/authenticate_user";
    private const string LoginFailure = "Invalid username or password. Please try again.";
    private static readonly (string, string) Confidential = (OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret);
    private static readonly (string, string) Bob = ("bob", "Bob12345");
    private static readonly Uri Origin = new("http://localhost");

    [PostgresFact]
    public async Task A_token_issued_by_A_works_at_B_and_revoked_through_A_is_refused_by_B_on_the_next_request()
    {
        var (first, second) = await StartTwoAsync();
        await using var a = first;
        await using var b = second;
        var token = await a.TokenAsync("alice", "Alice123", "patient/Patient.rs launch/patient");

        // B validates the token twice, so it has it cached when A revokes it.
        Assert.Equal(HttpStatusCode.OK, (await b.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token)).StatusCode);

        var (revoked, _) = await a.PostFormAsync("/ws/oauth2/revoke", Confidential, ("token", token));

        Assert.Equal(HttpStatusCode.OK, revoked);
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await a.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token)).StatusCode);
    }

    [PostgresFact]
    public async Task A_secret_rotated_through_A_stops_the_old_secret_at_B_at_once_and_the_new_one_works_there()
    {
        var (first, second) = await StartTwoAsync();
        await using var a = first;
        await using var b = second;
        var (clientId, old) = await RegisterClientAsync(a);

        // B authenticates the client with the old secret first, so it has the client cached.
        Assert.Equal(HttpStatusCode.OK, (await b.TokenAsync((clientId, old), ("grant_type", "client_credentials"), ("scope", "probe.read"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await b.TokenAsync((clientId, old), ("grant_type", "client_credentials"), ("scope", "probe.read"))).Status);

        var rotation = await a.ApiAsync(HttpMethod.Post, $"/ws/oauth2/api/clients/{clientId}/secret", Bob);
        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        var fresh = (string)JsonNode.Parse(await rotation.Content.ReadAsStringAsync())!["clientSecret"]!;

        Assert.NotEqual(old, fresh);
        var (oldStatus, oldBody) = await b.TokenAsync((clientId, old), ("grant_type", "client_credentials"), ("scope", "probe.read"));
        Assert.Equal(HttpStatusCode.Unauthorized, oldStatus);
        Assert.Equal("invalid_client", (string?)oldBody["error"]);
        Assert.Equal(HttpStatusCode.OK, (await b.TokenAsync((clientId, fresh), ("grant_type", "client_credentials"), ("scope", "probe.read"))).Status);
    }

    [PostgresFact]
    public async Task A_client_deleted_through_A_is_refused_by_B_on_its_very_next_token_request()
    {
        var (first, second) = await StartTwoAsync();
        await using var a = first;
        await using var b = second;
        var client = await RegisterClientAsync(a);
        Assert.Equal(HttpStatusCode.OK, (await b.TokenAsync(client, ("grant_type", "client_credentials"), ("scope", "probe.read"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await b.TokenAsync(client, ("grant_type", "client_credentials"), ("scope", "probe.read"))).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await a.ApiAsync(HttpMethod.Delete, $"/ws/oauth2/api/clients/{client.ClientId}", Bob)).StatusCode);

        var (status, body) = await b.TokenAsync(client, ("grant_type", "client_credentials"), ("scope", "probe.read"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", (string?)body["error"]);
    }

    [PostgresFact]
    public async Task A_rest_rename_through_A_is_seen_at_once_by_a_fhir_read_through_B()
    {
        var (first, second) = await StartTwoAsync();
        await using var a = first;
        await using var b = second;
        var token = await a.TokenAsync("alice", "Alice123", "rest.read rest.write patient/Patient.rs launch/patient");

        // B reads the patient first, so it has the record (and its FHIR document) cached.
        var before = await b.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("Smith", await OfficialFamilyAsync(before));

        using (var rename = new HttpRequestMessage(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name") { Content = JsonContent.Create(new { givenName = "Alice", familyName = "Shared" }) })
        {
            rename.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.Created, (await a.Client.SendAsync(rename)).StatusCode);
        }

        var after = await b.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal("Shared", await OfficialFamilyAsync(after));
    }

    [PostgresFact]
    public async Task Writes_racing_through_both_instances_are_each_stored_once_and_one_identifier_goes_to_one_patient()
    {
        var (first, second) = await StartTwoAsync();
        await using var a = first;
        await using var b = second;
        var rest = await a.TokenAsync("admin", "Admin123", "rest.read rest.write");
        var fhir = await a.TokenAsync("admin", "Admin123", "user/Patient.cruds");
        var versionBefore = await PersonVersionAsync(a, Alice);

        // 24 name additions to one person and 12 creates naming one identifier, alternating A and B, at once.
        var names = Enumerable.Range(0, 24).Select(i => AddNameAsync(i % 2 == 0 ? a : b, rest, Alice, $"Racer-{i:00}"));
        var creates = Enumerable.Range(0, 12).Select(i => (i % 2 == 0 ? a : b).SendAsync(HttpMethod.Post, "/ws/fhir/Patient", fhir, new Hl7.Fhir.Model.Patient
        {
            Name = [new Hl7.Fhir.Model.HumanName { Family = $"Twin-{i}", Given = ["Shared"], Use = Hl7.Fhir.Model.HumanName.NameUse.Official }],
            Identifier = [new Hl7.Fhir.Model.Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-SHARED-RACE")],
        }));
        var nameAnswers = Task.WhenAll(names);
        var createAnswers = await Task.WhenAll(creates);
        var added = await nameAnswers;

        Assert.All(added, answer => Assert.Equal(HttpStatusCode.Created, answer.Status));
        var stored = await Database.QueryAsync(a.Host.DatabaseFile, "SELECT n.uuid FROM person_name n JOIN person p ON p.id = n.person_id WHERE p.uuid = $p AND n.family_name LIKE 'Racer-%'", ("$p", Alice));
        Assert.Equal(added.Select(answer => answer.Uuid).Order(), stored.Order());
        Assert.Equal(["1"], await Database.QueryAsync(a.Host.DatabaseFile, "SELECT count(*) FROM person_name n JOIN person p ON p.id = n.person_id WHERE p.uuid = $p AND n.preferred = TRUE AND n.voided = FALSE", ("$p", Alice)));
        Assert.Equal(versionBefore + 24, await PersonVersionAsync(a, Alice));

        Assert.Single(createAnswers, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(createAnswers.Where(response => response.StatusCode != HttpStatusCode.Created), response => Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode));
        Assert.Equal(["1"], await Database.QueryAsync(a.Host.DatabaseFile, "SELECT count(*) FROM patient_identifier WHERE identifier = 'NID-SHARED-RACE'"));
        Assert.Equal(["1"], await Database.QueryAsync(a.Host.DatabaseFile, "SELECT count(*) FROM person_name WHERE family_name LIKE 'Twin-%'"));

        // Both instances read what the other wrote: every addition, whichever instance took it.
        foreach (var host in new[] { a, b })
        {
            using var read = new HttpRequestMessage(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}/name");
            read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", rest);
            var listed = JsonNode.Parse(await (await host.Client.SendAsync(read)).Content.ReadAsStringAsync())!["results"]!.AsArray();
            Assert.Equal(24, listed.Count(name => ((string?)name!["display"])?.Contains("Racer-", StringComparison.Ordinal) == true));
        }
    }

    [PostgresFact]
    public async Task A_session_and_a_consent_form_made_by_A_are_accepted_by_B_and_the_code_B_issues_is_redeemed_at_A()
    {
        var (first, second) = await StartTwoAsync();
        await using var a = first;
        await using var b = second;
        var atA = a.NewBrowser();
        var atB = b.NewBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await atB.GetAsync("/ws/oauth2/authorizations")).StatusCode);

        await atA.SignInAsync("alice", "Alice123");
        CarryCookies(atA, atB);

        var apps = await atB.GetAsync("/ws/oauth2/authorizations");
        Assert.Equal(HttpStatusCode.OK, apps.StatusCode);
        Assert.Contains("Signed in as alice.", await apps.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var pkce = Pkce.Create();
        var consent = await atA.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", pkce));
        CarryCookies(atA, atB);

        // B does check the antiforgery token: without it, the decision is refused.
        var form = HtmlForm.Find(consent, "/ws/oauth2/authorize").With("consent_decision", "approve");
        var forged = await atB.Client.PostAsync(form.Action, form.Without("__RequestVerificationToken").Content());
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var callback = await atB.DecideAsync(consent, approve: true);
        Assert.StartsWith(OAuth2Harness.Redirect + "?", callback.OriginalString, StringComparison.Ordinal);
        var parameters = Browser.Parameters(callback);
        Assert.Equal("state-123", parameters["state"]);

        var (status, tokens) = await a.TokenAsync(null,
            ("grant_type", "authorization_code"), ("code", parameters["code"]), ("redirect_uri", OAuth2Harness.Redirect),
            ("client_id", OAuth2Harness.Public), ("code_verifier", pkce.Verifier));
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        var validated = await b.ValidateAsync((string)tokens["access_token"]!);
        Assert.True(validated.IsValid, validated.FailureDescription);
        Assert.Equal("alice", validated.Username);
    }

    [PostgresFact]
    public async Task The_password_grant_throttle_counts_attempts_made_at_either_instance_against_one_limit()
    {
        const int Window = 3600;
        var (first, second) = await StartTwoAsync(new { PasswordAttemptsPerWindow = 3, PasswordWindowSeconds = Window });
        await using var a = first;
        await using var b = second;

        // Each host counts in windows of its own clock: both are moved to just after a window's start, so
        // every attempt below falls in one window however long the test takes.
        var now = a.Clock.GetUtcNow().ToUnixTimeSeconds();
        var toNextWindow = TimeSpan.FromSeconds(Window - (now % Window) + 1);
        a.Clock.Advance(toNextWindow);
        b.Clock.Advance(toNextWindow);

        // Three attempts, two at A and one at B: neither instance alone reaches the limit of 3.
        var hosts = new[] { a, b, a };
        for (var attempt = 0; attempt < hosts.Length; attempt++)
        {
            var (status, body) = await hosts[attempt].TokenAsync(Confidential, ("grant_type", "password"), ("username", $"nobody{attempt}"), ("password", "wrong"));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("The username or password is invalid.", (string?)body["error_description"]);
        }

        // B has seen one attempt, yet the fourth is beyond the shared limit, even with the right password.
        var throttled = await b.TokenResponseAsync(Confidential, ("grant_type", "password"), ("username", "alice"), ("password", "Alice123"));
        Assert.Equal(HttpStatusCode.BadRequest, throttled.StatusCode);
        var refusal = JsonNode.Parse(await throttled.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_grant", (string?)refusal["error"]);
        Assert.Contains("Too many sign-in attempts", (string?)refusal["error_description"], StringComparison.Ordinal);
        var retryAfter = throttled.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, Window);

        var (_, atA) = await a.TokenAsync(Confidential, ("grant_type", "password"), ("username", "alice"), ("password", "Alice123"));
        Assert.Contains("Too many sign-in attempts", (string?)atA["error_description"], StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Failed_sign_ins_split_across_the_instances_lock_the_account_on_both()
    {
        var (first, second) = await StartTwoAsync();
        await using var a = first;
        await using var b = second;
        var atA = a.NewBrowser();
        var atB = b.NewBrowser();

        // Seven failures in a row lock an account (the default); four at A and three at B.
        for (var attempt = 0; attempt < 7; attempt++)
        {
            var (status, page) = await PostLoginAsync(attempt % 2 == 0 ? atA : atB, "alice", $"guess-{attempt}");
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Contains(LoginFailure, page, StringComparison.Ordinal);
        }

        // Locked: the right password is refused at both, with the same answer as a wrong one.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostLoginAsync(atA, "alice", "Alice123")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostLoginAsync(atB, "alice", "Alice123")).Status);
        var (grantStatus, grant) = await b.TokenAsync(Confidential, ("grant_type", "password"), ("username", "alice"), ("password", "Alice123"));
        Assert.Equal(HttpStatusCode.BadRequest, grantStatus);
        Assert.Equal("The username or password is invalid.", (string?)grant["error_description"]);
        foreach (var host in new[] { a, b })
        {
            await using var scope = host.Host.CreateScope();
            Assert.Equal(PasswordCheckOutcome.LockedOut, (await scope.ServiceProvider.GetRequiredService<IUserAccounts>().CheckPasswordAsync("alice", "Alice123")).Outcome);
        }
    }

    /// <summary>A new database, then host A on it, then host B on it.</summary>
    private static async Task<(OAuth2Harness A, OAuth2Harness B)> StartTwoAsync(object? settings = null)
    {
        var arguments = Postgres.HostArguments(await Postgres.CreateDatabaseAsync());
        var a = await OAuth2Harness.StartAsync(settings, arguments);
        try
        {
            return (a, await OAuth2Harness.StartAsync(settings, arguments));
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    /// <summary>Bob registers a confidential client-credentials app through <paramref name="host"/>; its id and secret.</summary>
    private static async Task<(string ClientId, string Secret)> RegisterClientAsync(OAuth2Harness host)
    {
        var response = await host.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, new
        {
            name = "Shared app",
            clientType = "confidential-web",
            grantTypes = new[] { "client_credentials" },
            scopes = new[] { "probe.read" },
            acceptTerms = true,
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var created = JsonNode.Parse(text)!;
        return ((string)created["client"]!["clientId"]!, (string)created["clientSecret"]!);
    }

    /// <summary>Posts the login form as a person would; the status and the page that comes back.</summary>
    private static async Task<(HttpStatusCode Status, string Page)> PostLoginAsync(Browser browser, string username, string password)
    {
        var login = await browser.Client.GetStringAsync(LoginPath);
        var form = HtmlForm.Find(login, LoginPath).With("username", username).With("password", password);
        var response = await browser.Client.PostAsync(form.Action, form.Content());
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Gives <paramref name="to"/> the cookies <paramref name="from"/> holds, as when a load balancer sends the next request elsewhere.</summary>
    private static void CarryCookies(Browser from, Browser to)
    {
        foreach (Cookie cookie in from.Cookies.Cookies.GetCookies(Origin))
        {
            to.Cookies.Cookies.Add(Origin, new Cookie(cookie.Name, cookie.Value, cookie.Path));
        }
    }

    private static async Task<(HttpStatusCode Status, string? Uuid)> AddNameAsync(OAuth2Harness host, string token, string person, string family)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/ws/rest/v1/person/{person}/name") { Content = JsonContent.Create(new { givenName = "Race", familyName = family }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.Client.SendAsync(request);
        return (response.StatusCode, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["uuid"]);
    }

    private static async Task<int> PersonVersionAsync(OAuth2Harness host, string person) =>
        int.Parse((await Database.QueryAsync(host.Host.DatabaseFile, "SELECT version FROM person WHERE uuid = $p", ("$p", person))).Single()!, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string?> OfficialFamilyAsync(HttpResponseMessage response) =>
        (await response.ResourceAsync<Hl7.Fhir.Model.Patient>()).Name.First(n => n.Use == Hl7.Fhir.Model.HumanName.NameUse.Official).Family;
}
