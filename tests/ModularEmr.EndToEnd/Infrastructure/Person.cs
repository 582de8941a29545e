using Microsoft.Playwright;
using Xunit.Sdk;

namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>
/// Someone at a browser: opens pages, signs in, decides on the consent page. Each step is photographed,
/// and a page other than the one the step expects fails with what the browser shows instead.
/// </summary>
internal sealed class Person(BrowserStory story, IPage page, Uri emr)
{
    public IPage Page { get; } = page;

    public Uri Url => new(Page.Url);

    public async Task OpenAsync(Uri url, string step)
    {
        await Page.GotoAsync(url.AbsoluteUri);
        await story.ShotAsync(Page, step);
    }

    public Task OpenAsync(string emrPath, string step) => OpenAsync(new Uri(emr, emrPath), step);

    /// <summary>On the login page: types the credentials and signs in; fails if the server showed something else, or refused them.</summary>
    public async Task SignInAsync(string username, string password)
    {
        await ExpectPathAsync("/ws/oauth2/authenticate_user", "the login page");
        await Page.FillAsync("#username", username);
        await Page.FillAsync("#password", password);
        await story.ShotAsync(Page, "login-filled");
        await ClickToNextPageAsync(Page.Locator("button[type=submit]"), "after-sign-in");
        if (Url.AbsolutePath == "/ws/oauth2/authenticate_user")
        {
            throw await UnexpectedPageAsync($"{username} to be signed in");
        }
    }

    /// <summary>On the consent page: the client's name as shown, and the scopes listed.</summary>
    public async Task<(string ClientName, IReadOnlyList<string> Scopes)> ReadConsentAsync()
    {
        if (await Page.Locator("#client-name").CountAsync() == 0)
        {
            throw await UnexpectedPageAsync("the consent page");
        }

        await story.ShotAsync(Page, "consent");
        var scopes = new List<string>();
        foreach (var item in await Page.Locator("#scopes li").AllAsync())
        {
            scopes.Add(await item.GetAttributeAsync("data-scope") ?? string.Empty);
        }

        return (await Page.Locator("#client-name").InnerTextAsync(), scopes);
    }

    /// <summary>Clicks Allow or Deny and follows the browser back to the client; fails if it does not get there.</summary>
    public async Task DecideAsync(bool approve, Uri client)
    {
        await Page.ClickAsync(approve ? "button[value=approve]" : "button[value=deny]");
        await ArriveAtAsync(client, approve ? "approved" : "denied");
    }

    /// <summary>Waits until the browser shows a loaded page of <paramref name="site"/>; fails saying where it is instead.</summary>
    /// <remarks>
    /// The page itself is asked, and asked again until it says yes, so a navigation that finishes at any
    /// moment counts. <c>WaitForURLAsync</c> did not do that: it reads the address the client last heard
    /// of, and only then subscribes to navigation events, so a navigation that lands between the two is
    /// never seen. On a busy machine the client's page arrived in that gap (the host's log showed the code
    /// exchanged and the FHIR read answered within 100 ms of the click) and the wait ran out its 15 s with
    /// the client's page already on screen.
    /// </remarks>
    public async Task ArriveAtAsync(Uri site, string step)
    {
        var origin = site.GetLeftPart(UriPartial.Authority);
        try
        {
            await Page.WaitForFunctionAsync(
                "origin => location.origin === origin && document.readyState === 'complete'",
                origin,
                new PageWaitForFunctionOptions { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            await story.ShotAsync(Page, step + "-not-back");
            throw await UnexpectedPageAsync($"the browser back at the client {origin}");
        }

        await story.ShotAsync(Page, step);
    }

    /// <summary>Clicks a link or a form's button and waits until the next page has replaced this one.</summary>
    public async Task ClickToNextPageAsync(ILocator target, string step)
    {
        // A mark on this page's window: gone once another document has loaded, whatever its address.
        await Page.EvaluateAsync("() => { window.__leaving = true; }");
        await target.ClickAsync();
        await Page.WaitForFunctionAsync("() => window.__leaving === undefined && document.readyState !== 'loading'");
        await story.ShotAsync(Page, step);
    }

    public Task ClickToNextPageAsync(string selector, string step) => ClickToNextPageAsync(Page.Locator(selector), step);

    public Task<string> TextAsync(string selector) => Page.Locator(selector).InnerTextAsync();

    /// <summary>The page the browser shows, in words: heading, any error message, and address.</summary>
    public async Task<string> DescribeAsync()
    {
        var heading = await Page.Locator("h1").CountAsync() > 0 ? await Page.Locator("h1").First.InnerTextAsync() : "(no heading)";
        var errors = string.Join(" ", await Page.Locator(".error").AllInnerTextsAsync());
        return $"'{heading}'{(errors.Length == 0 ? string.Empty : $" saying \"{errors}\"")} at {Page.Url}";
    }

    /// <summary>A failure naming what the step expected and what the browser shows; an error page of the server is called one.</summary>
    private async Task<XunitException> UnexpectedPageAsync(string expected)
    {
        var onServer = Url.GetLeftPart(UriPartial.Authority) == emr.GetLeftPart(UriPartial.Authority);
        var errorPage = onServer && await Page.Locator(".error").CountAsync() > 0;
        return new XunitException(errorPage
            ? $"The authorization server showed an error page instead of redirecting to the client: {await DescribeAsync()} (expected {expected})"
            : $"Expected {expected}, but the browser shows {await DescribeAsync()}");
    }

    private async Task ExpectPathAsync(string path, string what)
    {
        if (Url.AbsolutePath != path)
        {
            throw await UnexpectedPageAsync(what);
        }
    }
}
