using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Duende.IdentityModel.Client;
using Duende.IdentityModel.OidcClient;
using Hl7.Fhir.Rest;
using ModularEmr.EndToEnd.Infrastructure;
using ModularEmr.EndToEnd.TestClient;
using Patient = Hl7.Fhir.Model.Patient;

namespace ModularEmr.EndToEnd.Clients;

/// <summary>
/// Real client libraries against the running host over real HTTP: Duende's OidcClient (OpenID
/// Certified) for the OAuth flows, Firely's FhirClient for FHIR reads and searches.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class CertifiedClientTests(EndToEndFixture fixture) : IAsyncLifetime
{
    /// <summary>A native app's loopback redirect: OidcClient's browser stops there, nothing needs to listen.</summary>
    private const string Redirect = "http://127.0.0.1:5173/callback";
    private const string Scope = "openid profile fhirUser patient/Patient.rs user/Patient.rs launch/patient offline_access";

    private ClientRegistration _app = null!;

    public async Task InitializeAsync() =>
        _app = await BobsApps.RegisterAsync(fixture.BaseAddress, "Bob's native app", "public-native", [Redirect], ["authorization_code", "refresh_token"], Scope);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OidcClient_signs_Alice_in_with_pkce_validates_her_id_token_loads_her_profile_and_refreshes()
    {
        var client = OidcClientFor(EndToEndFixture.Patient, EndToEndFixture.PatientPassword);

        var login = await client.LoginAsync(new LoginRequest());

        Assert.False(login.IsError, $"OidcClient could not sign Alice in: {login.Error} {login.ErrorDescription}");
        Assert.Equal(EndToEndFixture.Patient, login.User.FindFirst("preferred_username")?.Value);
        Assert.Equal(new Uri(fixture.BaseAddress, $"/ws/fhir/Patient/{EndToEndFixture.AliceId}").AbsoluteUri, login.User.FindFirst("fhirUser")?.Value);

        var refreshed = await client.RefreshTokenAsync(login.RefreshToken);
        Assert.False(refreshed.IsError, $"OidcClient could not refresh: {refreshed.Error} {refreshed.ErrorDescription}");
        Assert.NotEqual(login.RefreshToken, refreshed.RefreshToken);
        using var fhir = FhirClientWith(refreshed.AccessToken);
        Assert.Equal(EndToEndFixture.AliceId, (await fhir.ReadAsync<Patient>($"Patient/{EndToEndFixture.AliceId}"))!.Id);
    }

    [Fact]
    public async Task FhirClient_reads_and_searches_with_tokens_from_OidcClient_and_is_refused_once_Alice_revokes_the_app()
    {
        var alice = await OidcClientFor(EndToEndFixture.Patient, EndToEndFixture.PatientPassword).LoginAsync(new LoginRequest());
        // The admin is no patient: without launch/patient, no picker; user/ scopes under his privileges.
        var admin = await OidcClientFor("admin", "Admin123", "openid profile fhirUser user/Patient.rs").LoginAsync(new LoginRequest());
        Assert.False(alice.IsError || admin.IsError, $"OidcClient could not sign in: {alice.Error}{admin.Error}");

        using var asAlice = FhirClientWith(alice.AccessToken);
        var record = await asAlice.ReadAsync<Patient>($"Patient/{EndToEndFixture.AliceId}");
        Assert.Equal("Alice", record!.Name[0].Given.First());
        // Her patient/ scope limits any search to her own record.
        var everyone = await asAlice.SearchAsync<Patient>();
        Assert.Equal(EndToEndFixture.AliceId, Assert.Single(everyone!.Entry).Resource!.Id);

        using var asAdmin = FhirClientWith(admin.AccessToken);
        var byIdentifier = await asAdmin.SearchAsync<Patient>(["identifier=100000-1"]);
        Assert.Equal(EndToEndFixture.AliceId, Assert.Single(byIdentifier!.Entry).Resource!.Id);
        var page = await asAdmin.SearchAsync<Patient>(pageSize: 7);
        var next = await asAdmin.ContinueAsync(page!);
        Assert.Equal(7, next!.Entry.Count);
        Assert.Empty(page!.Entry.Select(e => e.Resource!.Id).Intersect(next.Entry.Select(e => e.Resource!.Id)));

        await RevokeAsAliceAsync(_app.ClientId);
        var refused = await Assert.ThrowsAsync<FhirOperationException>(() => asAlice.ReadAsync<Patient>($"Patient/{EndToEndFixture.AliceId}"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }

    private OidcClient OidcClientFor(string username, string password, string scope = Scope) => new(new OidcClientOptions
    {
        Authority = fixture.BaseAddress.AbsoluteUri.TrimEnd('/'),
        ClientId = _app.ClientId,
        RedirectUri = Redirect,
        Scope = scope,
        Browser = new SigningInBrowser(username, password),
        // Plain HTTP on loopback only: the host is on 127.0.0.1 here.
        Policy = new Policy { Discovery = new DiscoveryPolicy { RequireHttps = false } },
        DisablePushedAuthorization = true,
    });

    private FhirClient FhirClientWith(string accessToken) =>
        new(new Uri(fixture.BaseAddress, "/ws/fhir").AbsoluteUri, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = true }, new BearerHandler(accessToken));

    /// <summary>Alice revokes the app through her authorized-apps API (HTTP Basic, as a script would).</summary>
    private async Task RevokeAsAliceAsync(string clientId)
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/ws/oauth2/api/authorizations/{clientId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{EndToEndFixture.Patient}:{EndToEndFixture.PatientPassword}")));
        var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"Alice could not revoke {clientId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private sealed class BearerHandler(string token) : DelegatingHandler(new HttpClientHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
