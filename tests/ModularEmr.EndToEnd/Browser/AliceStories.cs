using ModularEmr.EndToEnd.Infrastructure;

namespace ModularEmr.EndToEnd.Browser;

/// <summary>The steps every one of Alice's visits shares.</summary>
internal static class AliceStories
{
    /// <summary>Alice, in a fresh browser, starts at the app, is sent to the login page, signs in and reaches the consent page.</summary>
    public static async Task<Person> ReachConsentAsync(BrowserStory story, EndToEndFixture fixture, Uri start)
    {
        var alice = await story.NewPersonAsync(fixture.BaseAddress);
        await alice.OpenAsync(start, "app-sends-alice-to-sign-in");
        await alice.SignInAsync(EndToEndFixture.Patient, EndToEndFixture.PatientPassword);
        return alice;
    }
}
