using ModularEmr.EndToEnd.Infrastructure;

namespace ModularEmr.EndToEnd.Browser;

/// <summary>
/// A person who starts the server and opens it in a browser: the home page, signing in from it, and
/// following its links to their authorized apps and to signing out. Each page is checked by axe-core.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class HomePageTests(EndToEndFixture fixture)
{
    [ChromiumFact]
    public Task Alice_opens_the_server_signs_in_from_the_home_page_sees_her_apps_and_signs_out() =>
        BrowserStory.RunAsync(fixture, async story =>
        {
            var alice = await story.NewPersonAsync(fixture.BaseAddress);
            await alice.OpenAsync("/", "home");
            Assert.Equal("ModularEmr", await alice.TextAsync("h1"));
            Assert.Equal("You are not signed in.", await alice.TextAsync("#signed-out"));

            await alice.ClickToNextPageAsync(alice.Page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Sign in" }), "sign-in");
            await alice.SignInAsync(EndToEndFixture.Patient, EndToEndFixture.PatientPassword);
            Assert.Equal("/", alice.Url.AbsolutePath);
            Assert.Equal("Signed in as alice.", await alice.TextAsync("#signed-in"));

            await alice.ClickToNextPageAsync(alice.Page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "My authorized apps" }), "authorized-apps");
            Assert.Equal("Your authorized apps", await alice.TextAsync("h1"));

            await alice.OpenAsync("/", "home-signed-in");
            await alice.ClickToNextPageAsync(alice.Page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Sign out" }), "sign-out-confirm");
            await alice.ClickToNextPageAsync("button[type=submit]", "signed-out");
            await alice.OpenAsync("/", "home-after");
            Assert.Equal("You are not signed in.", await alice.TextAsync("#signed-out"));
        });
}
