using ModularEmr.Sdk.Modules;
using ModularEmr.Tests.Infrastructure;
using PublicApiGenerator;

namespace ModularEmr.Tests.Sdk;

/// <summary>
/// The sdk is a published contract: its public API is checked in (<c>sdk/ModularEmr.Sdk/PublicAPI.approved.txt</c>)
/// with the version it belongs to, and the built assembly must match it. A change needs a version bump by
/// SemVer — major when anything was removed or changed, minor when things were only added — and a new
/// listing (run the tests with UPDATE_PUBLIC_API=1 to write it).
/// </summary>
public sealed class PublicApiTests
{
    private static readonly string ApprovedFile = Path.Combine(Repository.Root, "sdk", "ModularEmr.Sdk", "PublicAPI.approved.txt");

    [Fact]
    public void The_sdk_public_api_matches_the_approved_listing_of_its_version()
    {
        var version = SdkInfo.Version;
        var actual = $"// ModularEmr.Sdk {version}\n" + typeof(EmrModule).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(ApprovedFile, actual);
        }

        var approved = File.Exists(ApprovedFile) ? File.ReadAllText(ApprovedFile).ReplaceLineEndings("\n") : string.Empty;
        if (approved == actual)
        {
            return;
        }

        var approvedLines = approved.Split('\n').Skip(1).ToHashSet(StringComparer.Ordinal);
        var actualLines = actual.Split('\n').Skip(1).ToHashSet(StringComparer.Ordinal);
        var removed = approvedLines.Except(actualLines).ToList();
        var added = actualLines.Except(approvedLines).ToList();
        var approvedVersion = SemanticVersion.TryParse(approved.Split('\n')[0].Replace("// ModularEmr.Sdk ", string.Empty, StringComparison.Ordinal), out var parsed) ? parsed : null;
        var needed = removed.Count > 0 ? "a major" : "a minor";
        var bumped = approvedVersion is not null && (removed.Count > 0 ? version.Major > approvedVersion.Major : version > approvedVersion);
        Assert.Fail(
            $"The sdk's public API differs from {ApprovedFile} (approved for {approvedVersion?.ToString() ?? "no version"}; the sdk is {version}).\n" +
            (bumped ? "The version was bumped enough; " : $"This needs {needed} version bump of <Version> in ModularEmr.Sdk.csproj; then ") +
            "rewrite the listing with UPDATE_PUBLIC_API=1 dotnet test --filter PublicApiTests.\n" +
            $"Removed:\n  {string.Join("\n  ", removed)}\nAdded:\n  {string.Join("\n  ", added)}");
    }
}
