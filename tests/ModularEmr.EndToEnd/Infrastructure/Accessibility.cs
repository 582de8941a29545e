using System.Text.Json;
using Microsoft.Playwright;

namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>
/// axe-core's checks (labels, landmarks, contrast, keyboard access) on a page of the server, as the browser
/// shows it; npm installs axe-core beside these tests (<c>npm ci</c> in this folder; .ci/run does). Without
/// it the checks are skipped on a developer's machine, and fail in CI.
/// </summary>
internal static class Accessibility
{
    public static string ScriptPath => Path.Combine(ModularEmr.Tests.Infrastructure.Repository.Root, "tests", "ModularEmr.EndToEnd", "node_modules", "axe-core", "axe.min.js");

    private static readonly Lazy<string?> Script = new(() => File.Exists(ScriptPath) ? File.ReadAllText(ScriptPath) : null);

    /// <summary>Serious and critical violations only: moderate and minor ones are advice, not barriers.</summary>
    private const string Run = """
        async () => {
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
        }
        """;

    /// <summary>The serious and critical violations on <paramref name="page"/>; none when axe-core is not installed outside CI.</summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(IPage page)
    {
        if (Script.Value is not { } script)
        {
            return Chromium.InContinuousIntegration
                ? [$"axe-core is not installed at {ScriptPath}: run 'npm ci' in tests/ModularEmr.EndToEnd (.ci/run does)"]
                : [];
        }

        // Evaluated through the browser's debugging protocol, which the pages' Content-Security-Policy does not restrict.
        await page.EvaluateAsync(script);
        var violations = await page.EvaluateAsync<JsonElement>(Run);
        return [.. violations.EnumerateArray().Select(v => v.GetString()!)];
    }
}
