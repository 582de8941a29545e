using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Sdk;

/// <summary>
/// <c>dotnet new emr-module</c> from templates/EmrModule, instantiated outside the repository against a folder
/// feed holding the packed sdk and test kit: it builds, and its generated tests (the real host, started by the
/// kit with the new module) pass as generated.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed class TemplateTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_module_made_from_the_template_builds_against_the_packages_and_its_tests_pass()
    {
        var feed = _folder.Combine("feed");
        var hive = _folder.Combine("hive");
        var module = _folder.Combine("Contoso.Vitals");

        // What the solution's build made, packed as it is: the sdk, and the kit carrying the host and modules.
        await DotnetCli.RunAsync(_folder, _folder.Path, ["pack", Path.Combine(Repository.Root, "sdk", "ModularEmr.Sdk", "ModularEmr.Sdk.csproj"), "-c", Configuration, "--no-build", "-o", feed, "--nologo"]);
        await DotnetCli.RunAsync(_folder, _folder.Path, ["pack", Path.Combine(Repository.Root, "sdk", "ModularEmr.Sdk.Testing", "ModularEmr.Sdk.Testing.csproj"), "-c", Configuration, "--no-build", "-o", feed, "--nologo"]);
        Assert.True(File.Exists(Path.Combine(feed, $"ModularEmr.Sdk.Testing.{ModularEmr.Sdk.Modules.SdkInfo.Version}.nupkg")), "the kit is released at the sdk's version");

        // A template hive of its own, so that the machine's templates are neither used nor changed.
        await DotnetCli.RunAsync(_folder, _folder.Path, ["new", "install", Path.Combine(Repository.Root, "templates", "EmrModule"), "--debug:custom-hive", hive]);
        await DotnetCli.RunAsync(_folder, _folder.Path, ["new", "emr-module", "-n", "Contoso.Vitals", "-o", module, "--debug:custom-hive", hive]);
        await DotnetCli.RunAsync(_folder, _folder.Path, ["new", "nugetconfig", "-o", module, "--force", "--debug:custom-hive", hive]);
        await DotnetCli.RunAsync(_folder, _folder.Path, ["nuget", "add", "source", feed, "--name", "modularemr", "--configfile", Path.Combine(module, "nuget.config")]);

        // A dotted name becomes one identifier, alike for folders, files, namespace, assembly and the module id.
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(module, "ContosoVitals", "module.json")))!;
        Assert.Equal("contosovitals", (string?)manifest["id"]);
        Assert.Equal("ContosoVitals.dll", (string?)manifest["assembly"]);
        Assert.Equal($"^{ModularEmr.Sdk.Modules.SdkInfo.Version}", (string?)manifest["sdk"]);
        foreach (var file in Directory.EnumerateFiles(module, "*", SearchOption.AllDirectories))
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.False(text.Contains("EmrModule1", StringComparison.Ordinal) || text.Contains("templatemoduleid", StringComparison.Ordinal), $"{file} still names the template");
        }

        var tested = await DotnetCli.RunAsync(_folder, _folder.Path, ["test", Path.Combine(module, "ContosoVitals.slnx"), "--nologo"]);
        Assert.Contains("Passed!", tested, StringComparison.Ordinal);
        Assert.Matches(@"Failed:\s+0, Passed:\s+3", tested);
    }
}
