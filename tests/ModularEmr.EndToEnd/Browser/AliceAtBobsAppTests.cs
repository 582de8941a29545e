using System.Net;
using ModularEmr.EndToEnd.Infrastructure;
using ModularEmr.EndToEnd.TestClient;

namespace ModularEmr.EndToEnd.Browser;

/// <summary>Alice meets Bob's app: she signs in through it, consents or refuses, and later revokes it.</summary>
[Collection(SharedHost.Name)]
public sealed class AliceAtBobsAppTests(EndToEndFixture fixture) : IAsyncLifetime
{
    private TestClientApp _app = null!;

    public async Task InitializeAsync() => _app = await TestClientApp.StartAsync(fixture.BaseAddress);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [ChromiumFact]
    public Task Alice_signs_in_through_the_code_flow_with_pkce_consents_and_the_app_reads_and_renames_her() =>
        BrowserStory.RunAsync(fixture, async story =>
        {
            _app.Registration = await BobsApps.RegisterWebAppAsync(fixture.BaseAddress, "Bob's EMR", _app);
            _app.RenameTo = "Monroe";

            var alice = await AliceStories.ReachConsentAsync(story, fixture, _app.StartUri);
            var (clientName, scopes) = await alice.ReadConsentAsync();
            Assert.Equal("Bob's EMR", clientName);
            Assert.Equal(BobsApps.PatientScope.Split(' '), scopes);
            await alice.DecideAsync(approve: true, _app.BaseAddress);

            var outcome = await _app.NextOutcomeAsync();
            var renamed = outcome.AssertSignedInAndRead();
            Assert.Equal(EndToEndFixture.AliceId, outcome.Read!.PatientId);
            Assert.Equal("Monroe", renamed.FamilyName);
            Assert.Contains("family name Monroe", await alice.TextAsync("#outcome"), StringComparison.Ordinal);
        });

    [ChromiumFact]
    public Task Alice_denies_on_the_consent_page_and_the_app_receives_access_denied() =>
        BrowserStory.RunAsync(fixture, async story =>
        {
            _app.Registration = await BobsApps.RegisterWebAppAsync(fixture.BaseAddress, "Bob's EMR (refused)", _app);

            var alice = await AliceStories.ReachConsentAsync(story, fixture, _app.StartUri);
            await alice.DecideAsync(approve: false, _app.BaseAddress);

            var outcome = await _app.NextOutcomeAsync();
            Assert.Equal("access_denied", outcome.Error);
            Assert.Null(_app.AccessToken);
            Assert.Contains("did not complete: access_denied", await alice.TextAsync("#outcome"), StringComparison.Ordinal);
        });

    [ChromiumFact]
    public Task The_implicit_grant_hands_the_token_through_the_fragment_extractor_to_the_apps_server() =>
        BrowserStory.RunAsync(fixture, async story =>
        {
            _app.Registration = await BobsApps.RegisterImplicitAppAsync(fixture.BaseAddress, "Bob's browser app", _app);

            var alice = await AliceStories.ReachConsentAsync(story, fixture, _app.StartImplicitUri);
            await alice.DecideAsync(approve: true, _app.BaseAddress);

            var outcome = await _app.NextOutcomeAsync();
            Assert.Equal("implicit", outcome.Flow);
            Assert.Equal(EndToEndFixture.AliceId, outcome.AssertSignedInAndRead().PatientId);
            // The extractor posted the token to the app's server; it never sits in the app's address.
            Assert.Equal(_app.CallbackUri, alice.Url);
        });

    [ChromiumFact]
    public Task Alice_revokes_Bobs_app_on_her_authorized_apps_page_and_its_next_FHIR_call_gets_401() =>
        BrowserStory.RunAsync(fixture, async story =>
        {
            _app.Registration = await BobsApps.RegisterWebAppAsync(fixture.BaseAddress, "Bob's EMR (to revoke)", _app);
            var alice = await AliceStories.ReachConsentAsync(story, fixture, _app.StartUri);
            await alice.DecideAsync(approve: true, _app.BaseAddress);
            (await _app.NextOutcomeAsync()).AssertSignedInAndRead();
            (await _app.ReadPatientAsync()).AssertSucceeded();

            await alice.OpenAsync("/ws/oauth2/authorizations", "authorized-apps");
            var row = alice.Page.Locator($"tr[data-client='{_app.Registration.ClientId}']");
            Assert.Contains("Bob's EMR (to revoke)", await row.InnerTextAsync(), StringComparison.Ordinal);
            await alice.ClickToNextPageAsync(row.Locator("button"), "revoked");
            Assert.Equal(0, await row.CountAsync());

            var next = await _app.ReadPatientAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, next.Status);
            Assert.Contains("invalid_token", next.Refusal, StringComparison.Ordinal);
        });
}
