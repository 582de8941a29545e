namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>Debian's Chromium, which the browser tests drive; Playwright never downloads a browser here.</summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>CI must run every browser test: there a missing Chromium is a failure, not a skip.</summary>
    public static bool InContinuousIntegration => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string MissingMessage =>
        $"Chromium is not installed at {ExecutablePath} (install it with 'apt-get install chromium'; .ci/run does)";
}

/// <summary>
/// A browser test: skipped with the reason on a developer's machine without Chromium; run (and so
/// failed, saying Chromium is missing) in CI, where <c>CI=true</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!Chromium.IsInstalled && !Chromium.InContinuousIntegration)
        {
            Skip = Chromium.MissingMessage + "; browser tests skipped.";
        }
    }
}

/// <summary>A browser test run once per data row; skipped and run as <see cref="ChromiumFactAttribute"/> is.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (!Chromium.IsInstalled && !Chromium.InContinuousIntegration)
        {
            Skip = Chromium.MissingMessage + "; browser tests skipped.";
        }
    }
}
