using Microsoft.Playwright;
using ModularEmr.EndToEnd.Infrastructure;
using ModularEmr.EndToEnd.TestClient;

namespace ModularEmr.EndToEnd.Browser;

/// <summary>
/// Every page of the server, walked in English, French and Spanish by browsers that ask for that language:
/// headings and buttons are checked against the language's <c>.resx</c> texts, every step is checked for
/// English left untranslated and by axe-core, and the screenshots of every step are kept
/// (<c>TestResults/screenshots/&lt;test&gt;-&lt;language&gt;/</c>).
/// </summary>
[Collection(SharedHost.Name)]
public sealed class LanguageTourTests(EndToEndFixture fixture) : IAsyncLifetime
{
    private TestClientApp _app = null!;

    public async Task InitializeAsync() => _app = await TestClientApp.StartAsync(fixture.BaseAddress);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [ChromiumTheory]
    [InlineData("en")]
    [InlineData("fr")]
    [InlineData("es")]
    public Task Alice_a_clinician_and_Bob_walk_every_page_in_their_language(string language) =>
        BrowserStory.RunInAsync(language, fixture, async story =>
        {
            await AliceAsync(story, language);
            await ClinicianAsync(story, language);
            await BobAsync(story, language);
        });

    /// <summary>The home page, the login page and the language switch, a consent, her authorized apps, signing out.</summary>
    private async Task AliceAsync(BrowserStory story, string language)
    {
        string Text(string key, params object[] arguments) => PageWords.Of(PageWords.Pages, language, key, arguments);

        var alice = await story.NewPersonAsync(fixture.BaseAddress);
        await alice.OpenAsync("/", "home");
        Assert.Equal(PageWords.Of(PageWords.Home, language, "NotSignedIn"), await alice.TextAsync("#signed-out"));
        Assert.Equal(PageWords.Of(PageWords.Fhir, language, "HomeCapabilityStatement"), await alice.TextAsync("#links a[href='/ws/fhir/metadata']"));

        await alice.ClickToNextPageAsync(alice.Page.GetByRole(AriaRole.Link, new() { Name = Text("HomeSignIn"), Exact = true }), "sign-in");
        Assert.Equal(Text("SignInTitle"), await alice.TextAsync("h1"));
        Assert.Equal(Text("SignInButton"), await alice.TextAsync("button[type=submit]"));
        Assert.Equal(Text("Username"), await alice.TextAsync("label[for=username]"));

        // The switch on the page: another language, kept by a cookie, and back.
        var other = language == "en" ? "fr" : "en";
        story.ExpectedLanguage = other;
        await alice.ClickToNextPageAsync($"nav.languages a[lang={other}]", "switched-language");
        Assert.Equal(PageWords.Of(PageWords.Pages, other, "SignInTitle"), await alice.TextAsync("h1"));
        story.ExpectedLanguage = null;
        await alice.ClickToNextPageAsync($"nav.languages a[lang={language}]", "switched-back");
        Assert.Equal(Text("SignInTitle"), await alice.TextAsync("h1"));

        await alice.SignInAsync(EndToEndFixture.Patient, EndToEndFixture.PatientPassword);
        Assert.Equal("/", alice.Url.AbsolutePath);

        var app = $"Bob's EMR ({language})";
        _app.Registration = await BobsApps.RegisterWebAppAsync(fixture.BaseAddress, app, _app);
        await alice.OpenAsync(_app.StartUri, "consent");
        Assert.Equal(Text("ConsentTitle", app), await alice.TextAsync("h1"));
        Assert.Equal(Text("Allow"), await alice.TextAsync("button[value=approve]"));
        Assert.Equal(Text("Deny"), await alice.TextAsync("button[value=deny]"));
        Assert.Contains(PageWords.Of(PageWords.Fhir, language, "Your patient record"), await alice.TextAsync("li[data-scope='patient/Patient.rs']"), StringComparison.Ordinal);
        Assert.Contains(PageWords.Of(PageWords.Rest, language, "Read records"), await alice.TextAsync("li[data-scope='rest.read']"), StringComparison.Ordinal);
        Assert.Contains(PageWords.Of(PageWords.OAuth2Scopes, language, "Patient in context"), await alice.TextAsync("li[data-scope='launch/patient']"), StringComparison.Ordinal);
        await alice.DecideAsync(approve: true, _app.BaseAddress);
        (await _app.NextOutcomeAsync()).AssertSignedInAndRead();

        await alice.OpenAsync("/", "home-signed-in");
        await alice.ClickToNextPageAsync(alice.Page.GetByRole(AriaRole.Link, new() { Name = Text("HomeApps"), Exact = true }), "authorized-apps");
        Assert.Equal(Text("AppsTitle"), await alice.TextAsync("h1"));
        Assert.Equal(Text("Revoke"), await alice.TextAsync($"#apps tr:has-text(\"{app}\") button"));

        await alice.OpenAsync("/", "home-before-sign-out");
        await alice.ClickToNextPageAsync(alice.Page.GetByRole(AriaRole.Link, new() { Name = Text("HomeSignOut"), Exact = true }), "sign-out");
        Assert.Equal(Text("LogoutTitle"), await alice.TextAsync("h1"));
        Assert.Equal(Text("SignOutButton"), await alice.TextAsync("button[type=submit]"));
        await alice.ClickToNextPageAsync("button[type=submit]", "signed-out");
    }

    /// <summary>A standalone launch through the patient picker, then the EHR launch page.</summary>
    private async Task ClinicianAsync(BrowserStory story, string language)
    {
        string Text(string key, params object[] arguments) => PageWords.Of(PageWords.Pages, language, key, arguments);

        var standalone = $"Bob's clinic app ({language})";
        _app.Registration = await BobsApps.RegisterWebAppAsync(fixture.BaseAddress, standalone, _app);
        var clinician = await story.NewPersonAsync(fixture.BaseAddress);
        await clinician.OpenAsync(_app.StartUri, "app-sends-clinician-to-sign-in");
        await clinician.SignInAsync("admin", "Admin123");
        await clinician.ClickToNextPageAsync("button[value=approve]", "picker");
        Assert.Equal(Text("PickerTitle", standalone), await clinician.TextAsync("h1"));
        Assert.Equal(Text("Search"), await clinician.TextAsync("#search"));
        await clinician.Page.FillAsync("#patient-query", "Smith");
        await clinician.ClickToNextPageAsync("#search", "picker-matches");
        Assert.Equal(Text("Choose"), await clinician.TextAsync($"tr[data-patient='{EndToEndFixture.AliceId}'] button"));
        await clinician.Page.ClickAsync($"tr[data-patient='{EndToEndFixture.AliceId}'] button");
        await clinician.ArriveAtAsync(_app.BaseAddress, "chosen");
        (await _app.NextOutcomeAsync()).AssertSignedInAndRead();

        var launched = $"Bob's EHR-launched app ({language})";
        var registration = await BobsApps.RegisterAsync(
            fixture.BaseAddress, launched, "confidential-web", [_app.CallbackUri.AbsoluteUri], ["authorization_code", "refresh_token"],
            "launch patient/Patient.rs rest.read rest.write", launchUri: _app.LaunchUri);
        _app.Registration = registration;
        await clinician.OpenAsync($"/ws/oauth2/launch?patient={EndToEndFixture.AliceId}", "launch-page");
        Assert.Equal(Text("LaunchTitle"), await clinician.TextAsync("h1"));
        Assert.Equal(Text("LaunchButton", launched), await clinician.TextAsync($"li[data-client='{registration.ClientId}'] button"));
        await clinician.ClickToNextPageAsync($"li[data-client='{registration.ClientId}'] button", "launched-consent");
        Assert.Contains(PageWords.Of(PageWords.OAuth2Scopes, language, "Launch from the EHR"), await clinician.TextAsync("li[data-scope='launch']"), StringComparison.Ordinal);
        await clinician.DecideAsync(approve: true, _app.BaseAddress);
        (await _app.NextOutcomeAsync()).AssertSignedInAndRead();
    }

    /// <summary>The developer portal: list and registration form, the secret, editing, rotating, deleting, and a page that is not there.</summary>
    private async Task BobAsync(BrowserStory story, string language)
    {
        string Text(string key, params object[] arguments) => PageWords.Of(PageWords.Pages, language, key, arguments);

        var bob = await story.NewPersonAsync(fixture.BaseAddress);
        await bob.OpenAsync("/ws/oauth2/clients", "portal-asks-sign-in");
        await bob.SignInAsync(EndToEndFixture.Developer, EndToEndFixture.DeveloperPassword);
        Assert.Equal(Text("PortalTitle"), await bob.TextAsync("h1"));
        Assert.Contains(Text("RegisterHeading"), await bob.Page.Locator("h2").AllInnerTextsAsync());
        Assert.Contains(
            PageWords.Of(PageWords.Fhir, language, "Read and search the patient records your account may see."),
            await bob.TextAsync("label:has(input[name=scopes][value='user/Patient.rs'])"),
            StringComparison.Ordinal);

        // A refusal first: a plain-http redirect URI off loopback, said in the developer's language.
        var page = bob.Page;
        await page.FillAsync("#name", $"Bob's refused app ({language})");
        await page.SelectOptionAsync("#clientType", "confidential-web");
        await page.FillAsync("#redirectUris", "http://app.example/callback");
        await page.CheckAsync("input[name=grantTypes][value=authorization_code]");
        await page.CheckAsync("input[name=acceptTerms]");
        await bob.ClickToNextPageAsync("form:has(#name) button[type=submit]", "refused-registration");
        Assert.Equal(
            PageWords.Of(PageWords.Clients, language, "RedirectProblem", "http://app.example/callback", PageWords.Of(PageWords.Clients, language, "RedirectHttps")),
            await bob.TextAsync(".error"));

        await bob.OpenAsync("/ws/oauth2/clients", "portal");
        await page.FillAsync("#name", $"Bob's tour app ({language})");
        await page.SelectOptionAsync("#clientType", "confidential-web");
        await page.FillAsync("#redirectUris", "http://127.0.0.1:5173/callback");
        await page.CheckAsync("input[name=grantTypes][value=authorization_code]");
        await page.CheckAsync("input[name=scopes][value='user/Patient.rs']");
        await page.CheckAsync("input[name=acceptTerms]");
        Assert.Equal(Text("RegisterButton"), await bob.TextAsync("form:has(#name) button[type=submit]"));
        await bob.ClickToNextPageAsync("form:has(#name) button[type=submit]", "registered");
        Assert.Equal(Text("RegisteredTitle"), await bob.TextAsync("h1"));
        var clientId = await bob.TextAsync("#client-id");

        await bob.ClickToNextPageAsync(page.GetByRole(AriaRole.Link, new() { Name = Text("Continue"), Exact = true }), "edit-page");
        Assert.Equal(Text("SaveButton"), await bob.TextAsync("form:has(#name) button[type=submit]"));
        Assert.Equal(Text("RotateButton"), await bob.TextAsync("#rotate"));
        await bob.ClickToNextPageAsync("#rotate", "rotated");
        Assert.Equal(Text("NewSecretTitle"), await bob.TextAsync("h1"));

        await bob.OpenAsync($"/ws/oauth2/clients/{clientId}", "edit-again");
        Assert.Equal(Text("DeleteButton"), await bob.TextAsync("#delete"));
        await bob.ClickToNextPageAsync("#delete", "deleted");
        Assert.Equal(Text("PortalTitle"), await bob.TextAsync("h1"));

        await bob.OpenAsync("/ws/oauth2/clients/no-such-app", "not-found");
        Assert.Equal(Text("NotFoundTitle"), await bob.TextAsync("h1"));
        Assert.Contains(Text("NoSuchApp", "no-such-app"), await bob.TextAsync("main"), StringComparison.Ordinal);

        await bob.OpenAsync("/ws/oauth2/authorize?response_type=code&client_id=no-such-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid", "refused-request");
        Assert.Equal(Text("RefusedTitle"), await bob.TextAsync("h1"));
    }
}
