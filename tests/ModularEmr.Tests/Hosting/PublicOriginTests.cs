// Firely's model marks most members nullable; these assertions read them as a client would.
#nullable disable warnings

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.TestHost;
using Microsoft.IdentityModel.JsonWebTokens;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;
using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// <c>Emr:PublicOrigin</c>: with it, every absolute URL the server hands out starts with it, whatever Host
/// header a request carries, and a request for another host is refused.
/// </summary>
public sealed class PublicOriginTests : IAsyncLifetime
{
    private const string Origin = "https://emr.example.org";
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync(null, $"--Emr:PublicOrigin={Origin}");

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task A_request_for_another_host_is_refused_with_the_security_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Host = "evil.test";

        var response = await _oauth.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("evil.test", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task The_discovery_document_names_the_public_origin_for_the_issuer_and_every_endpoint()
    {
        foreach (var client in new[] { PublicClient(), _oauth.Client })
        {
            var discovery = JsonNode.Parse(await client.GetStringAsync("/.well-known/openid-configuration"))!.AsObject();

            Assert.Equal($"{Origin}/", (string)discovery["issuer"]);
            Assert.Equal($"{Origin}/ws/oauth2/authorize", (string)discovery["authorization_endpoint"]);
            Assert.Equal($"{Origin}/ws/oauth2/token", (string)discovery["token_endpoint"]);
            Assert.Equal($"{Origin}/.well-known/jwks", (string)discovery["jwks_uri"]);
            var urls = discovery.Where(p => p.Value is JsonValue value && value.TryGetValue<string>(out var text) && text.StartsWith("http", StringComparison.Ordinal)).ToList();
            Assert.True(urls.Count >= 8, string.Join(", ", urls.Select(u => u.Key)));
            Assert.All(urls, url => Assert.StartsWith($"{Origin}/", (string)url.Value!, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_smart_configuration_and_the_capability_statement_name_the_public_origin()
    {
        var smart = JsonNode.Parse(await _oauth.Client.GetStringAsync("/ws/fhir/.well-known/smart-configuration"))!.AsObject();
        var metadata = await (await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/metadata", token: null)).ResourceAsync<CapabilityStatement>();

        Assert.Equal($"{Origin}/", (string)smart["issuer"]);
        Assert.All(smart.Where(p => p.Key.EndsWith("_endpoint", StringComparison.Ordinal) || p.Key == "jwks_uri"),
            url => Assert.StartsWith($"{Origin}/", (string)url.Value!, StringComparison.Ordinal));
        Assert.Equal($"{Origin}/ws/fhir", metadata.Implementation.Url);
        Assert.Equal($"{Origin}/ws/fhir/metadata", metadata.Url);
        var oauthUris = metadata.Rest.Single().Security.GetExtension("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        Assert.Equal($"{Origin}/ws/oauth2/authorize", oauthUris.GetExtensionValue<FhirUri>("authorize").Value);
        Assert.Equal($"{Origin}/ws/oauth2/token", oauthUris.GetExtensionValue<FhirUri>("token").Value);
    }

    [Fact]
    public async Task Search_links_and_entries_use_the_public_origin()
    {
        var token = await _oauth.TokenAsync("admin", "Admin123", "user/Patient.cruds rest.read");

        var bundle = await (await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?_count=2", token)).ResourceAsync<Bundle>();
        using var restRequest = new HttpRequestMessage(HttpMethod.Get, "/ws/rest/v1/user?limit=1&v=ref");
        restRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var rest = JsonNode.Parse(await (await _oauth.Client.SendAsync(restRequest)).Content.ReadAsStringAsync())!;

        Assert.StartsWith($"{Origin}/ws/fhir/Patient?", bundle.NextLink.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith($"{Origin}/ws/fhir/Patient?", bundle.SelfLink.OriginalString, StringComparison.Ordinal);
        Assert.All(bundle.Entry, entry => Assert.StartsWith($"{Origin}/ws/fhir/Patient/", entry.FullUrl, StringComparison.Ordinal));
        Assert.True(rest["links"] is not null, rest.ToJsonString());
        Assert.StartsWith($"{Origin}/ws/rest/v1/user?", (string)rest["links"]!.AsArray().Single(l => (string)l!["rel"] == "next")!["uri"], StringComparison.Ordinal);
        Assert.StartsWith($"{Origin}/ws/rest/v1/user/", (string)rest["results"]![0]!["links"]![0]!["uri"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fhirUser_claim_and_the_token_issuer_are_the_public_origin()
    {
        var tokens = await _oauth.PasswordTokenAsync("openid fhirUser patient/Patient.rs launch/patient");
        using var userinfo = new HttpRequestMessage(HttpMethod.Get, "/ws/oauth2/userinfo");
        userinfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (string)tokens["access_token"]!);

        var claims = JsonNode.Parse(await (await _oauth.Client.SendAsync(userinfo)).Content.ReadAsStringAsync())!;
        var idToken = new JsonWebToken((string)tokens["id_token"]!);

        Assert.Equal($"{Origin}/ws/fhir/Patient/{FhirHarness.AliceId}", (string)claims["fhirUser"]);
        Assert.Equal($"{Origin}/ws/fhir/Patient/{FhirHarness.AliceId}", idToken.GetPayloadValue<string>("fhirUser"));
        Assert.Equal($"{Origin}/", idToken.Issuer);

        // Tokens issued under the configured issuer are accepted by the resource servers.
        var read = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{FhirHarness.AliceId}", (string)tokens["access_token"]!);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task An_authorization_error_sent_to_the_client_names_the_public_origin_as_issuer()
    {
        // A public client without a PKCE challenge: refused, and the refusal goes back to its redirect URI.
        var response = await _oauth.NewBrowser().GetAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "probe.read", pkce: null));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var parameters = Browser.Parameters(response.Headers.Location!);
        Assert.Equal("invalid_request", parameters["error"]);
        Assert.Equal($"{Origin}/", parameters["iss"]);
    }

    [Fact]
    public async Task The_health_check_answers_on_a_loopback_name()
    {
        Assert.Equal(HttpStatusCode.OK, (await _oauth.Client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PublicClient().GetAsync("/health")).StatusCode);
    }

    private HttpClient PublicClient()
    {
        var client = _oauth.Host.App.GetTestClient();
        client.BaseAddress = new Uri(Origin);
        return client;
    }
}
