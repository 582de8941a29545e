using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Smart;

/// <summary>
/// A clinician's standalone launch with <c>launch/patient</c>: after consent the user chooses the patient,
/// and that choice, and only it, is the patient in context of the code, the token and every refresh.
/// </summary>
public sealed class PatientPickerTests : IAsyncLifetime
{
    private const string AliceId = "dda12af7-1691-11df-97a5-7038c432aabf";
    private const string Scope = "openid fhirUser launch/patient patient/Patient.rs offline_access";

    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task Admin_searches_chooses_Alice_and_the_token_has_Alice_in_context_and_reads_only_her()
    {
        var browser = _oauth.NewBrowser();
        var pkce = Pkce.Create();
        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, pkce), "admin", "Admin123");

        var picker = await PostAsync(browser, HtmlForm.Find(consent, "/ws/oauth2/authorize").With("consent_decision", "approve").With("consent_remember", "true"));
        Assert.Equal(HttpStatusCode.OK, picker.StatusCode);
        var page = await picker.Content.ReadAsStringAsync();
        Assert.Contains("Choose the patient", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-patient=", page, StringComparison.Ordinal);

        var results = await PostAsync(browser, HtmlForm.Find(page, "/ws/oauth2/authorize").With("launch_patient_query", "Smith"));
        Assert.Equal(HttpStatusCode.OK, results.StatusCode);
        var matches = await results.Content.ReadAsStringAsync();
        Assert.Contains($"data-patient=\"{AliceId}\"", matches, StringComparison.Ordinal);
        Assert.Contains("Alice Smith", matches, StringComparison.Ordinal);

        var chosen = await PostAsync(browser, HtmlForm.Find(matches, "/ws/oauth2/authorize").With("launch_patient_choice", AliceId));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        var callback = Browser.Parameters(chosen.Headers.Location!);
        var (status, tokens) = await _oauth.TokenAsync(null,
            ("grant_type", "authorization_code"), ("code", callback["code"]), ("redirect_uri", OAuth2Harness.Redirect),
            ("client_id", OAuth2Harness.Public), ("code_verifier", pkce.Verifier));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(AliceId, (string?)tokens["patient"]);

        var accessToken = (string)tokens["access_token"]!;
        Assert.Equal(HttpStatusCode.OK, (await ReadAsync(accessToken, $"/ws/fhir/Patient/{AliceId}")).StatusCode);
        var others = JsonNode.Parse(await (await ReadAsync(accessToken, "/ws/fhir/Patient?_count=50")).Content.ReadAsStringAsync())!;
        Assert.All(others["entry"]!.AsArray(), entry => Assert.Equal(AliceId, (string?)entry!["resource"]!["id"]));

        var (refreshStatus, refreshed) = await _oauth.TokenAsync(null,
            ("grant_type", "refresh_token"), ("refresh_token", (string)tokens["refresh_token"]!), ("client_id", OAuth2Harness.Public));
        Assert.Equal(HttpStatusCode.OK, refreshStatus);
        Assert.Equal(AliceId, (string?)refreshed["patient"]);
    }

    [Fact]
    public async Task A_remembered_app_still_asks_for_the_patient_at_each_launch()
    {
        var browser = _oauth.NewBrowser();
        var first = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create()), "admin", "Admin123");
        var picker = await (await PostAsync(browser, HtmlForm.Find(first, "/ws/oauth2/authorize").With("consent_decision", "approve").With("consent_remember", "true"))).Content.ReadAsStringAsync();
        var results = await (await PostAsync(browser, HtmlForm.Find(picker, "/ws/oauth2/authorize").With("launch_patient_query", "Smith"))).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(browser, HtmlForm.Find(results, "/ws/oauth2/authorize").With("launch_patient_choice", AliceId))).StatusCode);

        using var again = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create()));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var page = await again.Content.ReadAsStringAsync();
        Assert.Contains("Choose the patient", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Remember my decision", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_patient_that_is_unknown_or_not_a_uuid_cannot_be_chosen_and_no_code_is_issued()
    {
        var browser = _oauth.NewBrowser();
        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create()), "admin", "Admin123");
        var picker = await (await PostAsync(browser, HtmlForm.Find(consent, "/ws/oauth2/authorize").With("consent_decision", "approve"))).Content.ReadAsStringAsync();

        foreach (var forged in new[] { Guid.NewGuid().ToString(), "not-a-uuid", "../Patient" })
        {
            using var response = await PostAsync(browser, HtmlForm.Find(picker, "/ws/oauth2/authorize").With("launch_patient_choice", forged));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("cannot be chosen", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("launch_patient_choice")]
    [InlineData("LAUNCH_PATIENT_CHOICE")]
    [InlineData("Launch_Patient_Choice")]
    public async Task A_choice_in_the_apps_own_request_is_ignored_and_the_user_still_chooses(string field)
    {
        var browser = _oauth.NewBrowser();
        var consent = await browser.ReachConsentAsync(
            Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create(), extra: $"{field}={AliceId}&CONSENT_DECISION=approve"), "admin", "Admin123");
        Assert.DoesNotContain($"value=\"{AliceId}\"", consent, StringComparison.Ordinal);

        using var response = await PostAsync(browser, HtmlForm.Find(consent, "/ws/oauth2/authorize").With("consent_decision", "approve"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Choose the patient", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_who_may_not_view_patients_is_refused_with_access_denied_at_the_redirect_uri()
    {
        var browser = _oauth.NewBrowser();
        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create()), "bob", "Bob12345");

        using var response = await PostAsync(browser, HtmlForm.Find(consent, "/ws/oauth2/authorize").With("consent_decision", "approve"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var callback = Browser.Parameters(response.Headers.Location!);
        Assert.Equal("access_denied", callback["error"]);
        Assert.False(callback.ContainsKey("code"));
    }

    [Fact]
    public async Task Alice_as_a_patient_gets_her_own_record_without_a_picker()
    {
        var callback = await _oauth.NewBrowser().CodeFlowAsync(OAuth2Harness.Public, Scope, Pkce.Create());

        Assert.True(callback.ContainsKey("code"));
    }

    private static Task<HttpResponseMessage> PostAsync(Browser browser, HtmlForm form) => browser.Client.PostAsync(form.Action, form.Content());

    private Task<HttpResponseMessage> ReadAsync(string token, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _oauth.Client.SendAsync(request);
    }
}
