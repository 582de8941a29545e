using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>
/// One browser test: each person gets their own browser context (their own cookies), every page step
/// is photographed, and the photographs are kept under
/// <c>tests/ModularEmr.EndToEnd/TestResults/screenshots/&lt;test&gt;/</c> only when the test fails. Every
/// step on a page of the server is also checked with axe-core (<see cref="Accessibility"/>): a serious or
/// critical violation on any of them fails the test. A story told in a language (<see cref="RunInAsync"/>)
/// also keeps its screenshots, and checks on every step that the page is in that language and shows no
/// English word that has a translation (<see cref="PageWords"/>).
/// </summary>
internal sealed class BrowserStory : IAsyncDisposable
{
    private readonly IBrowser _browser;
    private readonly string _server;
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _violations = [];
    private readonly string? _language;
    private int _shot;

    private BrowserStory(IBrowser browser, Uri server, string folder, string? language)
    {
        _browser = browser;
        _server = server.GetLeftPart(UriPartial.Authority);
        Folder = folder;
        _language = language;
    }

    public static string ScreenshotRoot => Path.Combine(Repository.Root, "tests", "ModularEmr.EndToEnd", "TestResults", "screenshots");

    public string Folder { get; }

    /// <summary>Runs <paramref name="story"/>; on failure keeps the screenshots and says where they are.</summary>
    public static Task RunAsync(EndToEndFixture fixture, Func<BrowserStory, Task> story, [CallerMemberName] string test = "") =>
        RunAsync(fixture, story, test, language: null);

    /// <summary>
    /// Runs <paramref name="story"/> with browsers set to <paramref name="language"/> (their
    /// <c>Accept-Language</c>), checking each page step's language, and keeps the screenshots of every step
    /// under <c>screenshots/&lt;test&gt;-&lt;language&gt;/</c> to be looked at.
    /// </summary>
    public static Task RunInAsync(string language, EndToEndFixture fixture, Func<BrowserStory, Task> story, [CallerMemberName] string test = "") =>
        RunAsync(fixture, story, $"{test}-{language}", language);

    private static async Task RunAsync(EndToEndFixture fixture, Func<BrowserStory, Task> story, string test, string? language)
    {
        var folder = Path.Combine(ScreenshotRoot, test);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        await using var run = new BrowserStory(await fixture.BrowserAsync(), fixture.BaseAddress, folder, language);
        try
        {
            await story(run);
            if (run._violations.Count > 0)
            {
                throw new InvalidOperationException($"Accessibility (axe-core){(language is null ? string.Empty : " and language")} on the server's pages:\n{string.Join('\n', run._violations)}");
            }
        }
        catch (Exception failure)
        {
            await run.ShootEveryPageAsync("at-failure");
            var log = fixture.Server.RecentOutput;
            throw new StoryFailedException(
                $"{failure.Message}\nScreenshots of each page step: {folder}{(log.Length == 0 ? string.Empty : $"\nThe host's last log lines (warnings and errors):\n{log}")}", failure);
        }

        if (language is null)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The language the story is told in: its browsers ask for it, and its pages must be in it.</summary>
    public string Language => _language ?? "en";

    /// <summary>A person with a fresh browser (no cookies), using the host at <paramref name="emr"/>.</summary>
    public async Task<Person> NewPersonAsync(Uri emr)
    {
        var locale = _language switch { null or "en" => "en-US", "fr" => "fr-FR", "es" => "es-ES", var other => other };
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale });
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
                if (_language is not null)
                {
                    _violations.AddRange((await LanguageProblemsAsync(page, ExpectedLanguage ?? _language)).Select(v => $"{step} ({new Uri(page.Url).AbsolutePath}): {v}"));
                }
            }
            catch (PlaywrightException navigated) when (navigated.Message.Contains("Execution context was destroyed", StringComparison.Ordinal))
            {
                // The page moved on while it was checked (the fragment extractor posts at once): the next step checks where it went.
            }
        }
    }

    /// <summary>When set, the language the next pages must be in (after a visitor chose another one on the page); otherwise the story's.</summary>
    public string? ExpectedLanguage { get; set; }

    /// <summary>The page's declared language, and any English text with a translation it shows whole (a heading, a button, a label, a line).</summary>
    private static async Task<IReadOnlyList<string>> LanguageProblemsAsync(IPage page, string language)
    {
        var problems = new List<string>();
        var declared = await page.EvaluateAsync<string?>("() => document.documentElement.lang");
        if (declared != language)
        {
            problems.Add($"language: the page says lang=\"{declared}\", not \"{language}\"");
        }

        var english = PageWords.EnglishOnly(language);
        var shown = await page.Locator("h1, h2, h3, button, label, legend, th, a, li, p, dt, dd, caption, summary").AllInnerTextsAsync();
        var body = await page.EvaluateAsync<string>("() => document.body ? document.body.innerText : ''");
        var lines = shown.Concat(body.Split('\n')).Select(t => t.Trim()).Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal);
        // A whole heading, button or line in English, or a long English sentence anywhere in the page.
        foreach (var untranslated in english.Where(words => lines.Any(words.IsLine) || words.IsInside(body)))
        {
            problems.Add($"language: English left on a page in '{language}': \"{untranslated.Text}\"");
        }

        return problems;
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
