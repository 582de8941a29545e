using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Smart;

/// <summary>
/// SMART App Launch 2.2 as Inferno's STU2.2 kit checks a standalone patient launch: the launch context in
/// the token, refresh and introspection responses, the style document, and the <c>aud</c> check.
/// </summary>
public sealed class SmartLaunchContextTests : IAsyncLifetime
{
    private const string AliceId = "dda12af7-1691-11df-97a5-7038c432aabf";
    private const string FhirBase = "http://localhost/ws/fhir";
    private const string Scope = "openid fhirUser launch/patient patient/Patient.rs offline_access";

    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task A_standalone_patient_launch_gets_its_patient_banner_and_style_beside_the_token_and_again_on_refresh()
    {
        var pkce = Pkce.Create();
        var code = await CodeAsync(pkce, $"aud={Uri.EscapeDataString(FhirBase)}");

        using var response = await _oauth.TokenResponseAsync(null,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", OAuth2Harness.Redirect),
            ("client_id", OAuth2Harness.Public), ("code_verifier", pkce.Verifier));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
        var tokens = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal("Bearer", (string?)tokens["token_type"]);
        Assert.Equal(JsonValueKind.Number, tokens["expires_in"]!.GetValueKind());
        Assert.Equal(JsonValueKind.String, tokens["patient"]!.GetValueKind());
        Assert.Equal(AliceId, (string?)tokens["patient"]);
        Assert.Equal(JsonValueKind.True, tokens["need_patient_banner"]!.GetValueKind());
        Assert.Contains("launch/patient", ((string)tokens["scope"]!).Split(' '));

        // The patient in context is one the token can read, at the FHIR base the app named as aud.
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/ws/fhir/Patient/{(string)tokens["patient"]!}");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)tokens["access_token"]!);
        using var patient = await _oauth.Client.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, patient.StatusCode);
        Assert.Equal(AliceId, (string?)JsonNode.Parse(await patient.Content.ReadAsStringAsync())!["id"]);

        var styleUrl = new Uri((string)tokens["smart_style_url"]!);
        Assert.Equal("http://localhost/ws/oauth2/smart-style.json", styleUrl.AbsoluteUri);
        using var style = await _oauth.Client.GetAsync(styleUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, style.StatusCode);
        Assert.Equal("application/json", style.Content.Headers.ContentType?.MediaType);
        var document = JsonNode.Parse(await style.Content.ReadAsStringAsync())!.AsObject();
        foreach (var field in new[] { "color_background", "color_error", "color_highlight", "color_modal_backdrop", "color_success", "color_text", "dim_border_radius", "dim_font_size", "dim_spacing_size", "font_family_body", "font_family_heading" })
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)document[field]), field);
        }

        var (status, refreshed) = await _oauth.TokenAsync(null,
            ("grant_type", "refresh_token"), ("refresh_token", (string)tokens["refresh_token"]!), ("client_id", OAuth2Harness.Public));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(AliceId, (string?)refreshed["patient"]);
        Assert.Equal(JsonValueKind.True, refreshed["need_patient_banner"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, refreshed["expires_in"]!.GetValueKind());
    }

    [Fact]
    public async Task A_token_without_a_patient_in_context_carries_no_launch_context()
    {
        // The admin account is no patient; a patient picker for such users is a separate step.
        var tokens = await _oauth.PasswordTokenAsync("launch/patient user/Patient.rs", "admin", "Admin123");

        Assert.Null(tokens["patient"]);
        Assert.Null(tokens["need_patient_banner"]);
        Assert.Null(tokens["smart_style_url"]);
    }

    [Fact]
    public async Task Introspection_describes_an_active_token_with_its_launch_context_and_a_revoked_one_as_inactive()
    {
        var tokens = await _oauth.PasswordTokenAsync("openid fhirUser launch/patient patient/Patient.rs");
        var accessToken = (string)tokens["access_token"]!;
        var confidential = (OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret);

        var (status, active) = await _oauth.PostFormAsync("/ws/oauth2/introspect", confidential, ("token", accessToken));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.True, active["active"]!.GetValueKind());
        Assert.Equal(AliceId, (string?)active["patient"]);
        Assert.Equal($"{FhirBase}/Patient/{AliceId}", (string?)active["fhirUser"]);
        Assert.Equal(OAuth2Harness.Confidential, (string?)active["client_id"]);
        Assert.Equal("http://localhost/", (string?)active["iss"]);
        Assert.False(string.IsNullOrEmpty((string?)active["sub"]));
        Assert.Equal(JsonValueKind.Number, active["exp"]!.GetValueKind());
        Assert.Equal(
            ["fhirUser", "launch/patient", "openid", "patient/Patient.rs"],
            ((string)active["scope"]!).Split(' ').Order(StringComparer.Ordinal));

        var (revoked, _) = await _oauth.PostFormAsync("/ws/oauth2/revoke", confidential, ("token", accessToken));
        Assert.Equal(HttpStatusCode.OK, revoked);
        var (_, inactive) = await _oauth.PostFormAsync("/ws/oauth2/introspect", confidential, ("token", accessToken));
        Assert.Equal("""{"active":false}""", inactive.ToJsonString());
    }

    [Theory]
    [InlineData("https://evil.example/ws/fhir")]
    [InlineData("http://localhost/ws/fhir/Patient")]
    [InlineData("http://localhost/ws/rest/v1")]
    [InlineData("http://localhost:8080/ws/fhir")]
    [InlineData("")]
    public async Task An_aud_that_is_not_this_servers_fhir_base_gets_an_error_at_the_redirect_uri_and_never_a_code(string aud)
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");

        using var response = await browser.GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, Pkce.Create(), extra: $"aud={Uri.EscapeDataString(aud)}"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(OAuth2Harness.Redirect + "?", location.AbsoluteUri, StringComparison.Ordinal);
        var parameters = Browser.Parameters(location);
        Assert.Equal("invalid_request", parameters["error"]);
        Assert.Contains("aud", parameters["error_description"], StringComparison.Ordinal);
        Assert.False(parameters.ContainsKey("code"));
    }

    [Theory]
    [InlineData(FhirBase)]
    [InlineData(FhirBase + "/")]
    public async Task The_fhir_base_as_aud_is_accepted_with_or_without_its_trailing_slash(string aud)
    {
        var code = await CodeAsync(Pkce.Create(), $"aud={Uri.EscapeDataString(aud)}");

        Assert.False(string.IsNullOrEmpty(code));
    }

    [Fact]
    public async Task Smart_configuration_lists_the_launch_context_it_delivers_and_only_that()
    {
        var smart = JsonNode.Parse(await _oauth.Client.GetStringAsync("/ws/fhir/.well-known/smart-configuration"))!;
        var capabilities = smart["capabilities"]!.AsArray().Select(c => (string)c!).ToList();

        Assert.Contains("context-standalone-patient", capabilities);
        Assert.Contains("context-banner", capabilities);
        Assert.Contains("context-style", capabilities);
        Assert.Contains("authorize-post", capabilities);
        Assert.Contains("launch-ehr", capabilities);
        Assert.Contains("context-ehr-patient", capabilities);
        Assert.Contains("launch", smart["scopes_supported"]!.AsArray().Select(s => (string)s!));
        Assert.Contains("client-confidential-asymmetric", capabilities);
        // Encounters are not modelled: an app must not be told otherwise.
        Assert.DoesNotContain("context-ehr-encounter", capabilities);
    }

    private async Task<string> CodeAsync(Pkce pkce, string extra)
    {
        var browser = _oauth.NewBrowser();
        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, Scope, pkce, extra: extra));
        var callback = Browser.Parameters(await browser.DecideAsync(consent, approve: true));
        return callback["code"];
    }
}
