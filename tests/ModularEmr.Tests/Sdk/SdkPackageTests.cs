using System.Diagnostics;
using ModularEmr.Host.Hosting;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Sdk;

/// <summary>
/// A module author has the sdk package and nothing else: the sample module, copied out of the repository
/// with a project that names only the package (the package's build files make it a module: a plugin in
/// bin/, without the host's assemblies, with the PackModule target), builds against the packed
/// <c>ModularEmr.Sdk</c> from a local feed and runs in the host; built against another major version of
/// the sdk, the host refuses it.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed class SdkPackageTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_sample_builds_against_the_sdk_package_alone_and_an_other_major_is_refused()
    {
        var feed = _folder.Combine("feed");
        await RunAsync("dotnet", "pack", Path.Combine(Repository.Root, "sdk", "ModularEmr.Sdk", "ModularEmr.Sdk.csproj"), "-c", "Release", "-o", feed, "--nologo");
        await RunAsync("dotnet", "pack", Path.Combine(Repository.Root, "sdk", "ModularEmr.Sdk", "ModularEmr.Sdk.csproj"), "-c", "Release", "-o", feed, "--nologo", "-p:Version=2.0.0");
        Assert.True(File.Exists(Path.Combine(feed, $"ModularEmr.Sdk.{ModularEmr.Sdk.Modules.SdkInfo.Version}.nupkg")));

        var current = await BuildSampleAsync("current", feed, ModularEmr.Sdk.Modules.SdkInfo.Version.ToString());
        var built = Directory.GetFiles(Path.Combine(current, "bin")).Select(Path.GetFileName).ToList();
        Assert.Contains("ModularEmr.Samples.Allergies.dll", built);
        Assert.DoesNotContain(built, file => file!.StartsWith("ModularEmr.Sdk", StringComparison.Ordinal) || file.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        var modules = ModulesFileBuilder.Shipped().Add("allergies", current).WriteTo(_folder);
        await using (var host = await EmrTestHost.StartAsync(_folder.Combine("data"), modules))
        {
            Assert.True(await Database.TableExistsAsync(host.DatabaseFile, "allergy"));
            Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("carries its own", StringComparison.Ordinal));
        }

        await RunAsync("dotnet", "build", Path.Combine(current, "Allergies.csproj"), "-t:PackModule", "-p:NoBuild=true", "--nologo", "-v:q");
        var version = (string)System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(current, "module.json")))!["version"]!;
        Assert.True(File.Exists(Path.Combine(current, "dist", $"allergies-{version}.emrmodule")));

        var future = await BuildSampleAsync("future", feed, "2.0.0");
        var refused = await Assert.ThrowsAsync<ModularEmr.Host.Modules.ModuleConfigurationException>(() =>
            EmrTestHost.BuildAsync(_folder.Combine("data2"), ModulesFileBuilder.Shipped().Add("allergies", future).WriteTo(_folder, "modules2.json")));
        Assert.Contains($"module 'allergies': was built against sdk 2.x, but this host has sdk {ModularEmr.Sdk.Modules.SdkInfo.Version}", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Copies the sample out of the repository with a project that knows only the package.</summary>
    private async Task<string> BuildSampleAsync(string name, string feed, string sdkVersion)
    {
        var sample = Path.Combine(Repository.Root, "samples", "Allergies");
        var target = _folder.Combine(name);
        foreach (var file in Directory.EnumerateFiles(sample, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.EndsWith(".csproj", StringComparison.Ordinal)))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(sample, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        File.WriteAllText(Path.Combine(target, "Allergies.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <AssemblyName>ModularEmr.Samples.Allergies</AssemblyName>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ModularEmr.Sdk" Version="{sdkVersion}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(target, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <add key="modularemr-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await RunAsync("dotnet", "build", Path.Combine(target, "Allergies.csproj"), "--nologo", "-v:q");
        return target;
    }

    private async Task RunAsync(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _folder.Path };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A package cache of its own: a ModularEmr.Sdk of this version cached by an earlier run must not stand in for this one.
        start.Environment["NUGET_PACKAGES"] = _folder.Combine("packages");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)} failed:\n{await output}\n{await error}");
    }
}
