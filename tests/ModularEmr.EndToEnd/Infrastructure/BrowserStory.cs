using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>
/// One browser test: each person gets their own browser context (their own cookies), every page step
/// is photographed, and the photographs are kept under
/// <c>tests/ModularEmr.EndToEnd/TestResults/screenshots/&lt;test&gt;/</c> only when the test fails. Every
/// step on a page of the server is also checked with axe-core (<see cref="Accessibility"/>): a serious or
/// critical violation on any of them fails the test.
/// </summary>
internal sealed class BrowserStory : IAsyncDisposable
{
    private readonly IBrowser _browser;
    private readonly string _server;
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _violations = [];
    private int _shot;

    private BrowserStory(IBrowser browser, Uri server, string folder)
    {
        _browser = browser;
        _server = server.GetLeftPart(UriPartial.Authority);
        Folder = folder;
    }

    public static string ScreenshotRoot => Path.Combine(Repository.Root, "tests", "ModularEmr.EndToEnd", "TestResults", "screenshots");

    public string Folder { get; }

    /// <summary>Runs <paramref name="story"/>; on failure keeps the screenshots and says where they are.</summary>
    public static async Task RunAsync(EndToEndFixture fixture, Func<BrowserStory, Task> story, [CallerMemberName] string test = "")
    {
        var folder = Path.Combine(ScreenshotRoot, test);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        await using var run = new BrowserStory(await fixture.BrowserAsync(), fixture.BaseAddress, folder);
        try
        {
            await story(run);
            if (run._violations.Count > 0)
            {
                throw new InvalidOperationException($"Accessibility (axe-core) on the server's pages:\n{string.Join('\n', run._violations)}");
            }
        }
        catch (Exception failure)
        {
            await run.ShootEveryPageAsync("at-failure");
            var log = fixture.Server.RecentOutput;
            throw new StoryFailedException(
                $"{failure.Message}\nScreenshots of each page step: {folder}{(log.Length == 0 ? string.Empty : $"\nThe host's last log lines (warnings and errors):\n{log}")}", failure);
        }

        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A person with a fresh browser (no cookies), using the host at <paramref name="emr"/>.</summary>
    public async Task<Person> NewPersonAsync(Uri emr)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        context.SetDefaultTimeout(15_000);
        _contexts.Add(context);
        return new Person(this, await context.NewPageAsync(), emr);
    }

    /// <summary>A screenshot of the page as it is now, named by the step.</summary>
    public async Task ShotAsync(IPage page, string step)
    {
        var file = Path.Combine(Folder, $"{Interlocked.Increment(ref _shot):00}-{step}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        if (new Uri(page.Url).GetLeftPart(UriPartial.Authority) == _server)
        {
            try
            {
                _violations.AddRange((await Accessibility.CheckAsync(page)).Select(v => $"{step} ({new Uri(page.Url).AbsolutePath}): {v}"));
            }
            catch (PlaywrightException navigated) when (navigated.Message.Contains("Execution context was destroyed", StringComparison.Ordinal))
            {
                // The page moved on while it was checked (the fragment extractor posts at once): the next step checks where it went.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }

    private async Task ShootEveryPageAsync(string step)
    {
        foreach (var page in _contexts.SelectMany(c => c.Pages).Where(p => !p.IsClosed))
        {
            try
            {
                await ShotAsync(page, step);
            }
            catch (PlaywrightException)
            {
                // A page that cannot be photographed must not hide the test's own failure.
            }
        }
    }
}

/// <summary>A browser story failed; the message is the failure's, plus where its screenshots are.</summary>
public sealed class StoryFailedException(string message, Exception inner) : Exception(message, inner);
