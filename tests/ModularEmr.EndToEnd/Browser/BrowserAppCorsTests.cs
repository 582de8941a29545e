using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ModularEmr.EndToEnd.Infrastructure;
using ModularEmr.EndToEnd.TestClient;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.EndToEnd.Browser;

/// <summary>
/// A SMART browser app on another origin, in Chromium: its page exchanges the code and reads FHIR with
/// <c>fetch</c>, which works because its origin is registered; the same calls from an origin no client
/// registered are blocked by the browser itself.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class BrowserAppCorsTests(EndToEndFixture fixture)
{
    /// <summary>One fetch from the page: the status and body, or 'blocked' and the browser's error.</summary>
    private const string Fetch = """
        async ([url, method, body, token]) => {
          const headers = {};
          if (body) headers['Content-Type'] = 'application/x-www-form-urlencoded';
          if (token) headers['Authorization'] = 'Bearer ' + token;
          try {
            const response = await fetch(url, { method, headers, body: body || undefined });
            return [String(response.status), await response.text()];
          } catch (error) {
            return ['blocked', String(error)];
          }
        }
        """;

    [ChromiumFact]
    public Task A_browser_app_on_its_registered_origin_gets_a_token_and_reads_fhir_with_fetch_and_a_stranger_origin_is_blocked() =>
        BrowserStory.RunAsync(fixture, async story =>
        {
            await using var site = await BrowserAppSite.StartAsync();
            await using var stranger = await BrowserAppSite.StartAsync();
            var callback = new Uri(site.BaseAddress, "/callback").AbsoluteUri;
            const string scope = "openid launch/patient patient/Patient.rs";
            var app = await BobsApps.RegisterAsync(fixture.BaseAddress, "Bob's single-page app", "public-browser", [callback], ["authorization_code"], scope, allowedOrigins: [site.Origin]);
            var fhirBase = new Uri(fixture.BaseAddress, "/ws/fhir").AbsoluteUri;
            var pkce = Pkce.Create();
            site.StartTarget = new Uri(fixture.BaseAddress, "/ws/oauth2/authorize?response_type=code"
                + $"&client_id={app.ClientId}&redirect_uri={Uri.EscapeDataString(callback)}&scope={Uri.EscapeDataString(scope)}"
                + $"&state=spa-state&code_challenge={pkce.Challenge}&code_challenge_method=S256&aud={Uri.EscapeDataString(fhirBase)}&nonce=n-1").AbsoluteUri;

            var alice = await AliceStories.ReachConsentAsync(story, fixture, new Uri(site.BaseAddress, "/start"));
            await alice.DecideAsync(approve: true, site.BaseAddress);
            var code = Query(alice.Url)["code"];

            var tokenUrl = new Uri(fixture.BaseAddress, "/ws/oauth2/token").AbsoluteUri;
            var exchange = $"grant_type=authorization_code&code={Uri.EscapeDataString(code)}&redirect_uri={Uri.EscapeDataString(callback)}&client_id={app.ClientId}&code_verifier={pkce.Verifier}";
            var token = await FetchAsync(alice.Page, tokenUrl, "POST", exchange);
            Assert.True(token[0] == "200", $"the page's token request: {token[0]} {token[1]}");
            var tokens = JsonNode.Parse(token[1])!;
            Assert.Equal(EndToEndFixture.AliceId, (string?)tokens["patient"]);

            var read = await FetchAsync(alice.Page, $"{fhirBase}/Patient/{EndToEndFixture.AliceId}", "GET", token: (string)tokens["access_token"]!);
            Assert.True(read[0] == "200", $"the page's FHIR read: {read[0]} {read[1]}");
            Assert.Equal(EndToEndFixture.AliceId, (string?)JsonNode.Parse(read[1])!["id"]);

            // The same page served from an origin no client registered: the browser keeps every answer from it.
            await alice.OpenAsync(stranger.BaseAddress, "stranger-origin");
            Assert.Equal("blocked", (await FetchAsync(alice.Page, $"{fhirBase}/metadata", "GET"))[0]);
            Assert.Equal("blocked", (await FetchAsync(alice.Page, $"{fhirBase}/Patient/{EndToEndFixture.AliceId}", "GET", token: (string)tokens["access_token"]!))[0]);
            Assert.Equal("blocked", (await FetchAsync(alice.Page, tokenUrl, "POST", "grant_type=refresh_token&refresh_token=x&client_id=" + app.ClientId))[0]);
        });

    private static Task<string[]> FetchAsync(IPage page, string url, string method, string body = "", string token = "") =>
        page.EvaluateAsync<string[]>(Fetch, new[] { url, method, body, token });

    private static Dictionary<string, string> Query(Uri url) =>
        url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty));
}
