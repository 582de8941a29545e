using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Smart;

/// <summary>
/// SMART App Launch 2.2 §"EHR launch": the EHR makes a launch id for the signed-in user, the patient in
/// view and one app; the app comes back with it and gets that patient in context, once.
/// </summary>
public sealed class EhrLaunchTests : IAsyncLifetime
{
    private const string AliceId = "dda12af7-1691-11df-97a5-7038c432aabf";
    private const string LaunchUri = "http://127.0.0.1:5173/launch";
    private const string Scope = "launch openid fhirUser patient/Patient.rs offline_access";

    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task Admin_launches_the_app_for_Alice_from_the_ehr_page_and_the_token_has_Alice_in_context_once()
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("admin", "Admin123");

        var page = await browser.Client.GetStringAsync($"/ws/oauth2/launch?patient={AliceId}");
        Assert.Contains("Alice Smith", page, StringComparison.Ordinal);
        Assert.Contains("data-client=\"xyz-spa\"", page, StringComparison.Ordinal);
        var launchForm = HtmlForm.Find(page[page.IndexOf("data-client=\"xyz-spa\"", StringComparison.Ordinal)..], "/ws/oauth2/launch");
        using var launched = await browser.Client.PostAsync(launchForm.Action, launchForm.Content());
        Assert.Equal(HttpStatusCode.Redirect, launched.StatusCode);
        var launchUrl = launched.Headers.Location!;
        Assert.Equal(LaunchUri, launchUrl.GetLeftPart(UriPartial.Path));
        var launch = Browser.Parameters(launchUrl);
        Assert.Equal("http://localhost/ws/fhir", launch["iss"]);

        // The app discovers the server from iss, then sends the user to authorize with the launch id.
        var pkce = Pkce.Create();
        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, pkce,
            extra: $"aud={Uri.EscapeDataString(launch["iss"])}&launch={Uri.EscapeDataString(launch["launch"])}"), "admin", "Admin123");
        var callback = Browser.Parameters(await browser.DecideAsync(consent, approve: true));
        var (status, tokens) = await _oauth.TokenAsync(null,
            ("grant_type", "authorization_code"), ("code", callback["code"]), ("redirect_uri", OAuth2Harness.Redirect),
            ("client_id", OAuth2Harness.Public), ("code_verifier", pkce.Verifier));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(AliceId, (string?)tokens["patient"]);
        Assert.Contains("launch", ((string)tokens["scope"]!).Split(' '));

        // A refresh keeps the launched patient in context.
        var (refreshStatus, refreshed) = await _oauth.TokenAsync(null,
            ("grant_type", "refresh_token"), ("refresh_token", (string)tokens["refresh_token"]!), ("client_id", OAuth2Harness.Public));
        Assert.Equal(HttpStatusCode.OK, refreshStatus);
        Assert.Equal(AliceId, (string?)refreshed["patient"]);

        // Used once: the same launch id again is refused at the redirect URI, before any consent.
        using var reused = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create(), extra: $"launch={Uri.EscapeDataString(launch["launch"])}"));
        AssertRefused(reused, "already used");
    }

    [Fact]
    public async Task A_clinician_who_is_also_a_patient_gets_the_launched_patient_and_keeps_it_on_refresh_not_their_own_record()
    {
        // Alice is a patient; made a Provider too, she may launch apps for other patients.
        await Database.QueryAsync(_oauth.Host.DatabaseFile,
            "INSERT INTO user_role (roles_id, users_id) SELECT r.id, u.id FROM role r, users u WHERE r.name = 'Provider' AND u.username = 'alice'");
        var admin = await _oauth.PasswordTokenAsync("user/Patient.rs", "admin", "Admin123");
        using var search = new HttpRequestMessage(HttpMethod.Get, "/ws/fhir/Patient?_count=5");
        search.Headers.Authorization = new("Bearer", (string)admin["access_token"]!);
        var bundle = JsonNode.Parse(await (await _oauth.Client.SendAsync(search)).Content.ReadAsStringAsync())!;
        var other = bundle["entry"]!.AsArray().Select(e => (string)e!["resource"]!["id"]!).First(id => id != AliceId);

        var launch = await CreateLaunchAsync("alice", "Alice123", OAuth2Harness.Public, other);
        var browser = _oauth.NewBrowser();
        var pkce = Pkce.Create();
        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, pkce, extra: $"launch={(string)launch["launch"]!}"));
        var callback = Browser.Parameters(await browser.DecideAsync(consent, approve: true));
        var (_, tokens) = await _oauth.TokenAsync(null,
            ("grant_type", "authorization_code"), ("code", callback["code"]), ("redirect_uri", OAuth2Harness.Redirect),
            ("client_id", OAuth2Harness.Public), ("code_verifier", pkce.Verifier));
        Assert.Equal(other, (string?)tokens["patient"]);

        var (_, refreshed) = await _oauth.TokenAsync(null,
            ("grant_type", "refresh_token"), ("refresh_token", (string)tokens["refresh_token"]!), ("client_id", OAuth2Harness.Public));
        Assert.Equal(other, (string?)refreshed["patient"]);
    }

    [Fact]
    public async Task The_launch_api_binds_a_launch_to_its_user_patient_and_app()
    {
        var launch = await CreateLaunchAsync("admin", "Admin123", OAuth2Harness.Public, AliceId);
        Assert.StartsWith(LaunchUri + "?iss=" + Uri.EscapeDataString("http://localhost/ws/fhir") + "&launch=", (string)launch["launch_url"]!, StringComparison.Ordinal);
        Assert.InRange((int)launch["expires_in"]!, 10, 3600);
        var id = (string)launch["launch"]!;

        // Another app cannot use it.
        using var foreign = await _oauth.NewBrowser().GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Confidential, Scope, Pkce.Create(), extra: $"launch={id}"));
        AssertRefused(foreign, "another app");

        // Another user cannot use it: Alice signs in where admin launched.
        var alice = _oauth.NewBrowser();
        var consentOrRefusal = await alice.Client.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create(), extra: $"launch={id}"));
        Assert.Equal(HttpStatusCode.Redirect, consentOrRefusal.StatusCode);
        await alice.SignInAsync("alice", "Alice123");
        using var asAlice = await alice.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create(), extra: $"launch={id}"));
        Assert.Equal(HttpStatusCode.Redirect, asAlice.StatusCode);
        var refusal = Browser.Parameters(asAlice.Headers.Location!);
        Assert.Equal("access_denied", refusal["error"]);
        Assert.Contains("another user", refusal["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_unknown_or_expired_launch_id_is_refused_at_the_redirect_uri()
    {
        using var missing = await _oauth.NewBrowser().GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create()));
        AssertRefused(missing, "needs the launch parameter");

        using var unknown = await _oauth.NewBrowser().GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create(), extra: "launch=made-up"));
        AssertRefused(unknown, "unknown");

        var launch = await CreateLaunchAsync("admin", "Admin123", OAuth2Harness.Public, AliceId);
        _oauth.Clock.Advance(TimeSpan.FromSeconds((int)launch["expires_in"]! + 1));
        using var expired = await _oauth.NewBrowser().GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create(), extra: $"launch={(string)launch["launch"]!}"));
        AssertRefused(expired, "expired");
    }

    [Theory]
    [InlineData("bob", "Bob12345", "xyz-spa", AliceId, HttpStatusCode.Forbidden)]
    [InlineData("admin", "Admin123", "xyz-emr", AliceId, HttpStatusCode.BadRequest)]
    [InlineData("admin", "Admin123", "no-such-app", AliceId, HttpStatusCode.BadRequest)]
    [InlineData("admin", "Admin123", "xyz-spa", "00000000-0000-0000-0000-000000000001", HttpStatusCode.BadRequest)]
    public async Task The_launch_api_refuses_users_without_the_privilege_apps_without_a_launch_url_and_unknown_patients(
        string user, string password, string clientId, string patient, HttpStatusCode expected)
    {
        using var response = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/launch", (user, password), new { clientId, patient });

        Assert.Equal(expected, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False(string.IsNullOrEmpty((string?)body["error_description"]));
    }

    [Fact]
    public async Task A_launch_used_by_two_racing_authorizations_gives_one_code()
    {
        var browsers = new List<(Browser Browser, string Consent)>();
        var launch = await CreateLaunchAsync("admin", "Admin123", OAuth2Harness.Public, AliceId);
        for (var i = 0; i < 6; i++)
        {
            var browser = _oauth.NewBrowser();
            var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create(), extra: $"launch={(string)launch["launch"]!}"), "admin", "Admin123");
            browsers.Add((browser, consent));
        }

        var decisions = await Task.WhenAll(browsers.Select(b => b.Browser.DecideAsync(b.Consent, approve: true)));

        Assert.Equal(1, decisions.Count(d => Browser.Parameters(d).ContainsKey("code")));
        Assert.All(decisions.Where(d => !Browser.Parameters(d).ContainsKey("code")), d => Assert.Equal("invalid_request", Browser.Parameters(d)["error"]));
    }

    private async Task<JsonObject> CreateLaunchAsync(string user, string password, string clientId, string patient)
    {
        using var response = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/launch", (user, password), new { clientId, patient });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static void AssertRefused(HttpResponseMessage response, string why)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var parameters = Browser.Parameters(response.Headers.Location!);
        Assert.Equal("invalid_request", parameters["error"]);
        Assert.Contains(why, parameters["error_description"], StringComparison.Ordinal);
        Assert.False(parameters.ContainsKey("code"));
    }
}
