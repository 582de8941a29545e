using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Sdk;

/// <summary>
/// A module author has the sdk package and docs/module-authoring.md, nothing else. The guide's
/// <c>outside-repo</c> steps run as written in a temp folder (pack the sdk into a feed, a nuget.config, the
/// guide's project file, a migration with the sdk's <c>AddMigration</c> target), with the sample's sources
/// standing for the author's own; the module builds without the host's assemblies, runs in the host and
/// answers; built against another major version of the sdk, the host refuses it.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed partial class SdkPackageTests : IDisposable
{
    private static readonly string Guide = File.ReadAllText(Path.Combine(Repository.Root, "docs", "module-authoring.md")).ReplaceLineEndings("\n");

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_sdk_package_lends_migrations_the_EF_Core_version_the_host_ships()
    {
        var packages = File.ReadAllText(Path.Combine(Repository.Root, "Directory.Packages.props"));
        var targets = File.ReadAllText(Path.Combine(Repository.Root, "sdk", "ModularEmr.Sdk", "build", "ModularEmr.Sdk.targets"));
        var hosts = Regex.Match(packages, "Include=\"Microsoft.EntityFrameworkCore\" Version=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal(hosts, Regex.Match(targets, "<EmrEntityFrameworkCoreVersion>([^<]+)<").Groups[1].Value);
    }

    [Fact]
    public async Task The_guides_steps_outside_the_repository_end_in_a_working_call_and_an_other_major_is_refused()
    {
        var feed = _folder.Combine("feed");
        var module = _folder.Combine("module");
        CopySampleSources(module, withMigrations: false);
        var project = GuideProjectFile().Match(Guide);
        Assert.True(project.Success, "the guide shows the project file to write");
        File.WriteAllText(Path.Combine(module, project.Groups["name"].Value), project.Groups["xml"].Value);
        Assert.Contains($"Version=\"{ModularEmr.Sdk.Modules.SdkInfo.Version}\"", project.Groups["xml"].Value, StringComparison.Ordinal);

        var steps = OutsideRepoBlock().Matches(Guide).Select(m => m.Groups["script"].Value).ToList();
        Assert.True(steps.Count >= 2, "the guide's outside-repo steps: the feed, the migration");
        await DotnetCli.RunAsync("bash", _folder, module, ["-euo", "pipefail", "-c", string.Join("\n", steps)], [("REPO", Repository.Root), ("FEED", feed), ("MODULE", module)]);
        Assert.True(File.Exists(Path.Combine(feed, $"ModularEmr.Sdk.{ModularEmr.Sdk.Modules.SdkInfo.Version}.nupkg")));
        Assert.Single(Directory.GetFiles(Path.Combine(module, "Data", "Migrations"), "*_InitialAllergies.cs"));

        // AddMigration leaves bin/ as the host loads it: no design-time packages, no sdk, no EF Core.
        var built = Directory.GetFiles(Path.Combine(module, "bin")).Select(Path.GetFileName).ToList();
        Assert.Contains("ModularEmr.Samples.Allergies.dll", built);
        Assert.DoesNotContain(built, file => file!.StartsWith("ModularEmr.Sdk", StringComparison.Ordinal) || file.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) || file.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(module, "bin", "runtimes")));

        var modules = ModulesFileBuilder.Shipped().Add("allergies", module).WriteTo(_folder);
        await using (var host = await EmrTestHost.StartAsync(_folder.Combine("data"), modules))
        {
            Assert.True(await Database.TableExistsAsync(host.DatabaseFile, "allergy"));
            Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("carries its own", StringComparison.Ordinal));
            var client = host.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await DemoTokens.AdminAsync(client, "allergies.write user/AllergyIntolerance.rs"));
            var recorded = await client.PostAsJsonAsync("/ws/allergies/patient/dda12af7-1691-11df-97a5-7038c432aabf", new { substance = "Penicillin", severity = "Mild" });
            Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
            var bundle = JsonNode.Parse(await client.GetStringAsync("/ws/fhir/AllergyIntolerance?patient=dda12af7-1691-11df-97a5-7038c432aabf"))!;
            Assert.Equal("Penicillin", (string?)bundle["entry"]![0]!["resource"]!["code"]!["text"]);
        }

        // A file an older build left in bin/ is not packed: PackModule empties bin/ and builds.
        await File.WriteAllTextAsync(Path.Combine(module, "bin", "Removed.Dependency.dll"), "left by an older build");
        await DotnetCli.RunAsync(_folder, module, ["build", Path.Combine(module, project.Groups["name"].Value), "-t:PackModule", "--nologo", "-v:q"]);
        var version = (string)JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(module, "module.json")))!["version"]!;
        using (var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(module, "dist", $"allergies-{version}.emrmodule")))
        {
            var packed = package.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("ModularEmr.Samples.Allergies.dll", packed);
            Assert.Contains("ModularEmr.Samples.Allergies.deps.json", packed);
            Assert.Contains("module.json", packed);
            Assert.DoesNotContain("Removed.Dependency.dll", packed);
        }

        // The same module built against a 2.0.0 sdk is refused, with the side to change named.
        await DotnetCli.RunAsync(_folder, _folder.Path, ["pack", Path.Combine(Repository.Root, "sdk", "ModularEmr.Sdk", "ModularEmr.Sdk.csproj"), "-c", "Release", "-o", feed, "--nologo", "-p:Version=2.0.0"]);
        var future = _folder.Combine("future");
        CopySampleSources(future, withMigrations: true);
        File.Copy(Path.Combine(module, "nuget.config"), Path.Combine(future, "nuget.config"));
        File.WriteAllText(Path.Combine(future, project.Groups["name"].Value), project.Groups["xml"].Value.Replace($"Version=\"{ModularEmr.Sdk.Modules.SdkInfo.Version}\"", "Version=\"2.0.0\"", StringComparison.Ordinal));
        await DotnetCli.RunAsync(_folder, future, ["build", future, "--nologo", "-v:q"]);
        var refused = await Assert.ThrowsAsync<ModularEmr.Host.Modules.ModuleConfigurationException>(() =>
            EmrTestHost.BuildAsync(_folder.Combine("data2"), ModulesFileBuilder.Shipped().Add("allergies", future).WriteTo(_folder, "modules2.json")));
        Assert.Contains($"module 'allergies': was built against sdk 2.x, but this host has sdk {ModularEmr.Sdk.Modules.SdkInfo.Version}", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The sample's sources and manifest stand for the author's own: no project file, no build output.</summary>
    private static void CopySampleSources(string target, bool withMigrations)
    {
        var sample = Path.Combine(Repository.Root, "samples", "Allergies");
        var separator = Path.DirectorySeparatorChar;
        foreach (var file in Directory.EnumerateFiles(sample, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{separator}bin{separator}", StringComparison.Ordinal)
                              && !f.Contains($"{separator}obj{separator}", StringComparison.Ordinal)
                              && !f.Contains($"{separator}dist{separator}", StringComparison.Ordinal)
                              && (withMigrations || !f.Contains($"{separator}Migrations{separator}", StringComparison.Ordinal))
                              && !f.EndsWith(".csproj", StringComparison.Ordinal)))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(sample, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    [GeneratedRegex("```bash outside-repo\\n(?<script>.*?)```", RegexOptions.Singleline)]
    private static partial Regex OutsideRepoBlock();

    [GeneratedRegex("```xml new-file=(?<name>\\S+)\\n(?<xml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex GuideProjectFile();
}
