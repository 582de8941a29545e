using System.Text.RegularExpressions;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Docs;

/// <summary>
/// Every code block of docs/module-authoring.md that names a file (<c>```csharp file=…</c>) must stand,
/// as written, in that file, which the build compiles and the sample's tests run: the guide cannot rot.
/// </summary>
public sealed partial class ModuleAuthoringGuideTests
{
    [Fact]
    public void Every_code_block_of_the_guide_is_compiled_source()
    {
        var guide = File.ReadAllText(Path.Combine(Repository.Root, "docs", "module-authoring.md")).ReplaceLineEndings("\n");
        var blocks = Block().Matches(guide);
        Assert.True(blocks.Count >= 5, "the guide should show the sample's project, manifest, module, context and API");
        foreach (Match block in blocks)
        {
            var file = block.Groups["file"].Value;
            var source = File.ReadAllText(Path.Combine(Repository.Root, file)).ReplaceLineEndings("\n");
            Assert.True(source.Contains(block.Groups["code"].Value.TrimEnd('\n'), StringComparison.Ordinal), $"a block of the guide no longer matches {file}");
        }
    }

    [GeneratedRegex("```[a-z]+ file=(?<file>\\S+)\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();
}
