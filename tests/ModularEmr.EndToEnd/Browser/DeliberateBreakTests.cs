using System.Net.Http.Headers;
using System.Text;
using ModularEmr.EndToEnd.Infrastructure;
using ModularEmr.EndToEnd.TestClient;
using Xunit.Sdk;

namespace ModularEmr.EndToEnd.Browser;

/// <summary>
/// The story broken on purpose: the failure a developer would then see must say what went wrong, and
/// the screenshots must be there to look at.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class DeliberateBreakTests(EndToEndFixture fixture) : IAsyncLifetime
{
    private TestClientApp _app = null!;

    public async Task InitializeAsync() => _app = await TestClientApp.StartAsync(fixture.BaseAddress);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [ChromiumFact]
    public async Task A_wrong_redirect_uri_in_the_client_fails_saying_the_server_showed_an_error_page_and_keeps_the_screenshots()
    {
        var registered = await BobsApps.RegisterWebAppAsync(fixture.BaseAddress, "Bob's EMR (misconfigured)", _app);
        _app.Registration = registered with { RedirectUri = new Uri(_app.BaseAddress, "/wrong-callback").AbsoluteUri };

        var failure = await Assert.ThrowsAsync<StoryFailedException>(() => BrowserStory.RunAsync(fixture, async story =>
        {
            var alice = await AliceStories.ReachConsentAsync(story, fixture, _app.StartUri);
            await alice.DecideAsync(approve: true, _app.BaseAddress);
        }));

        Assert.Contains("The authorization server showed an error page instead of redirecting to the client", failure.Message, StringComparison.Ordinal);
        Assert.Contains("redirect_uri", failure.Message, StringComparison.Ordinal);
        var screenshots = Path.Combine(BrowserStory.ScreenshotRoot, nameof(A_wrong_redirect_uri_in_the_client_fails_saying_the_server_showed_an_error_page_and_keeps_the_screenshots));
        Assert.Contains(screenshots, failure.Message, StringComparison.Ordinal);
        Assert.Contains(Directory.EnumerateFiles(screenshots), file => file.EndsWith("-at-failure.png", StringComparison.Ordinal));
        // Expected here: these screenshots are no failure of the run.
        Directory.Delete(screenshots, recursive: true);
    }

    [ChromiumFact]
    public Task A_revoked_token_fails_the_apps_next_call_saying_the_server_refused_it_and_why() =>
        BrowserStory.RunAsync(fixture, async story =>
        {
            _app.Registration = await BobsApps.RegisterWebAppAsync(fixture.BaseAddress, "Bob's EMR (token revoked)", _app);
            var alice = await AliceStories.ReachConsentAsync(story, fixture, _app.StartUri);
            await alice.DecideAsync(approve: true, _app.BaseAddress);
            (await _app.NextOutcomeAsync()).AssertSignedInAndRead();

            await RevokeAsync(_app.Registration, _app.AccessToken!);
            var read = await _app.ReadPatientAsync();

            var failure = Assert.Throws<XunitException>(read.AssertSucceeded);
            Assert.StartsWith("The client could not use its token: the server refused the client's FHIR search with 401 Unauthorized", failure.Message, StringComparison.Ordinal);
            Assert.Contains("revoked", failure.Message, StringComparison.Ordinal);
        });

    /// <summary>RFC 7009: the app gives its token back.</summary>
    private async Task RevokeAsync(ClientRegistration client, string token)
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/revoke") { Content = new FormUrlEncodedContent([new("token", token)]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:{client.Secret}")));
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }
}
