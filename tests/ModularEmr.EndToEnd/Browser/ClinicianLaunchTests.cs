using ModularEmr.EndToEnd.Infrastructure;
using ModularEmr.EndToEnd.TestClient;

namespace ModularEmr.EndToEnd.Browser;

/// <summary>
/// A clinician (the admin account, who is no patient) launches Bob's app in Chromium: standalone, choosing
/// the patient on the picker after consent; and from the EHR, with the patient in view. Either way the app
/// ends with a FHIR read of that patient, and of no other.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class ClinicianLaunchTests(EndToEndFixture fixture) : IAsyncLifetime
{
    private TestClientApp _app = null!;

    public async Task InitializeAsync() => _app = await TestClientApp.StartAsync(fixture.BaseAddress);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [ChromiumFact]
    public Task A_clinician_consents_searches_the_picker_chooses_Alice_and_the_app_reads_her() =>
        BrowserStory.RunAsync(fixture, async story =>
        {
            _app.Registration = await BobsApps.RegisterWebAppAsync(fixture.BaseAddress, "Bob's clinic app", _app);
            var clinician = await story.NewPersonAsync(fixture.BaseAddress);
            await clinician.OpenAsync(_app.StartUri, "app-sends-clinician-to-sign-in");
            await clinician.SignInAsync("admin", "Admin123");

            await clinician.ClickToNextPageAsync("button[value=approve]", "picker");
            await clinician.Page.FillAsync("#patient-query", "Smith");
            await clinician.ClickToNextPageAsync("#search", "matches");
            await clinician.Page.ClickAsync($"tr[data-patient='{EndToEndFixture.AliceId}'] button");
            await clinician.ArriveAtAsync(_app.BaseAddress, "chosen");

            var outcome = await _app.NextOutcomeAsync();
            Assert.Equal(EndToEndFixture.AliceId, outcome.AssertSignedInAndRead().PatientId);
        });

    [ChromiumFact]
    public Task A_clinician_launches_the_app_from_the_ehr_for_Alice_and_the_app_reads_her() =>
        BrowserStory.RunAsync(fixture, async story =>
        {
            var registration = await BobsApps.RegisterAsync(
                fixture.BaseAddress, "Bob's EHR-launched app", "confidential-web", [_app.CallbackUri.AbsoluteUri], ["authorization_code", "refresh_token"],
                "launch patient/Patient.rs rest.read rest.write", launchUri: _app.LaunchUri);
            _app.Registration = registration;
            var clinician = await story.NewPersonAsync(fixture.BaseAddress);
            await clinician.OpenAsync($"/ws/oauth2/launch?patient={EndToEndFixture.AliceId}", "launch-page-asks-sign-in");
            await clinician.SignInAsync("admin", "Admin123");
            Assert.Contains("Alice", await clinician.TextAsync("#patient-name"), StringComparison.Ordinal);

            await clinician.ClickToNextPageAsync($"li[data-client='{registration.ClientId}'] button", "app-launched-consent");
            await clinician.DecideAsync(approve: true, _app.BaseAddress);

            var outcome = await _app.NextOutcomeAsync();
            Assert.Equal(EndToEndFixture.AliceId, outcome.AssertSignedInAndRead().PatientId);
        });
}
