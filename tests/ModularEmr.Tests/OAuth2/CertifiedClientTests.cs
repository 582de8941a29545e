using Duende.IdentityModel.OidcClient;
using Duende.IdentityModel.OidcClient.Browser;
using Microsoft.AspNetCore.TestHost;

namespace ModularEmr.Tests.OAuth2;

/// <summary>The code flow with PKCE driven by Duende's OidcClient, an OpenID Certified client library.</summary>
public sealed class CertifiedClientTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task OidcClient_signs_Alice_in_with_pkce_validates_the_id_token_and_refreshes()
    {
        var client = new OidcClient(new OidcClientOptions
        {
            Authority = "http://localhost",
            ClientId = OAuth2Harness.Public,
            RedirectUri = OAuth2Harness.Redirect,
            Scope = "openid profile fhirUser probe.read offline_access",
            Browser = new ConsentingBrowser(_oauth.NewBrowser()),
            BackchannelHandler = _oauth.Host.App.GetTestServer().CreateHandler(),
            Policy = new Policy { Discovery = new Duende.IdentityModel.Client.DiscoveryPolicy { RequireHttps = false } },
            DisablePushedAuthorization = true,
        });

        var login = await client.LoginAsync(new LoginRequest());

        Assert.False(login.IsError, login.Error + " " + login.ErrorDescription);
        Assert.Equal("alice", login.User.FindFirst("preferred_username")?.Value);
        Assert.True((await _oauth.ValidateAsync(login.AccessToken, OAuth2Harness.Public)).IsValid);
        // OidcClient has validated the identity token's signature against the JWKS; read its payload.
        var payload = login.IdentityToken.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var idToken = System.Text.Json.Nodes.JsonNode.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')))!;
        Assert.Equal("http://localhost/ws/fhir/Patient/dda12af7-1691-11df-97a5-7038c432aabf", (string?)idToken["fhirUser"]);

        var refreshed = await client.RefreshTokenAsync(login.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error);
        Assert.NotEqual(login.RefreshToken, refreshed.RefreshToken);
        Assert.False((await _oauth.ValidateAsync(login.AccessToken)).IsValid);
        Assert.True((await _oauth.ValidateAsync(refreshed.AccessToken)).IsValid);
    }

    /// <summary>Plays the user: signs in as Alice and approves on the consent page.</summary>
    private sealed class ConsentingBrowser(Browser browser) : IBrowser
    {
        public async Task<BrowserResult> InvokeAsync(BrowserOptions options, CancellationToken cancellationToken = default)
        {
            var start = new Uri(options.StartUrl);
            var consent = await browser.ReachConsentAsync(start.PathAndQuery);
            var callback = await browser.DecideAsync(consent, approve: true);
            return new BrowserResult { ResultType = BrowserResultType.Success, Response = callback.AbsoluteUri };
        }
    }
}
