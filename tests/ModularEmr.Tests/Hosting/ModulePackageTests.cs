using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModularEmr.Host.Hosting;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// Module packages: the PackModule target zips a module, <c>modules install</c> unpacks it beside
/// modules.json and pins each file's SHA-256, every start checks them; <c>modules remove|enable|disable</c>
/// edit the file.
/// </summary>
public sealed class ModulePackageTests : IDisposable
{
    private const string AllergiesAssembly = "ModularEmr.Samples.Allergies.dll";

    /// <summary>The sample's version, from its manifest.</summary>
    private static readonly string AllergiesVersion = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "samples", "Allergies", "module.json")))!["version"]!;

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_packed_module_installs_with_the_cli_serves_and_a_changed_byte_stops_the_next_start_naming_the_file()
    {
        var package = await PackAllergiesAsync();
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);

        var installed = await Cli("modules", "install", package, "--modules", modules);
        Assert.True(installed.Exit == 0, installed.Error);
        Assert.StartsWith($"installed allergies {AllergiesVersion} into {_folder.Combine("modules/allergies")} (", installed.Output, StringComparison.Ordinal);
        var entry = Entry(modules, "allergies");
        Assert.Equal("modules/allergies", (string?)entry["path"]);
        var pinned = (string)entry["sha256"]![AllergiesAssembly]!;
        Assert.Matches("^[0-9a-f]{64}$", pinned);

        await using (var host = await EmrTestHost.StartAsync(_folder.Combine("data"), modules))
        {
            var client = host.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await DemoTokens.AdminAsync(client, "allergies.read allergies.write user/AllergyIntolerance.rs"));
            var recorded = await client.PostAsJsonAsync($"/ws/allergies/patient/{FhirAlice}", new { substance = "Penicillin", reaction = "Hives", severity = "Severe" });
            Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
            var list = JsonNode.Parse(await client.GetStringAsync($"/ws/allergies/patient/{FhirAlice}"))!.AsArray();
            Assert.Equal("Penicillin", (string?)Assert.Single(list)!["substance"]);

            // The installed package serves its allergies through the FHIR module too.
            var bundle = JsonNode.Parse(await client.GetStringAsync($"/ws/fhir/AllergyIntolerance?patient={FhirAlice}"))!;
            Assert.Equal("Penicillin", (string?)bundle["entry"]![0]!["resource"]!["code"]!["text"]);
        }

        var assembly = _folder.Combine("modules/allergies/" + AllergiesAssembly);
        var bytes = await File.ReadAllBytesAsync(assembly);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(assembly, bytes);

        var refused = await StartupErrorAsync(modules);
        Assert.Matches($"^{Regexp(modules)}: module 'allergies': file {Regexp(AllergiesAssembly)} changed since it was installed: expected SHA-256 {pinned}, found [0-9a-f]{{64}}; ", refused);
    }

    [Fact]
    public async Task A_file_added_or_removed_after_the_install_stops_the_start()
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);
        Assert.Equal(0, (await Cli("modules", "install", ProbePackage(), "--modules", modules)).Exit);
        var folder = _folder.Combine("modules/probe");

        await File.WriteAllTextAsync(Path.Combine(folder, "helper.dll"), "not part of the package");
        Assert.Contains("module 'probe': file helper.dll was not installed with the package (SHA-256 ", await StartupErrorAsync(modules), StringComparison.Ordinal);

        File.Delete(Path.Combine(folder, "helper.dll"));
        File.Delete(Path.Combine(folder, "module.json"));
        Assert.Contains("module 'probe': file module.json is missing (installed with SHA-256 ", await StartupErrorAsync(modules), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_refuses_a_listed_module_without_replace_and_an_upgrade_keeps_its_settings_and_state()
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);
        Assert.Equal(0, (await Cli("modules", "install", ProbePackage(), "--modules", modules)).Exit);
        Assert.Equal(0, (await Cli("modules", "disable", "probe", "--modules", modules)).Exit);

        var again = await Cli("modules", "install", ProbePackage(), "--modules", modules);
        Assert.Equal(EmrProgram.ConfigurationError, again.Exit);
        Assert.Contains("module 'probe': is already listed (path 'modules/probe'): install with --replace", again.Error, StringComparison.Ordinal);

        var upgraded = await Cli("modules", "install", ProbePackage(version: "1.1.0"), "--replace", "--modules", modules);
        Assert.True(upgraded.Exit == 0, upgraded.Error);
        Assert.StartsWith("installed probe 1.1.0", upgraded.Output, StringComparison.Ordinal);
        var entry = Entry(modules, "probe");
        Assert.False((bool)entry["enabled"]!);
        Assert.Single(JsonNode.Parse(await File.ReadAllTextAsync(modules))!["modules"]!.AsArray(), m => (string?)m!["id"] == "probe");
    }

    [Fact]
    public async Task Replace_never_empties_a_folder_that_is_not_the_listed_modules_own()
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);
        Assert.Equal(0, (await Cli("modules", "install", ProbePackage(), "--modules", modules)).Exit);
        var precious = _folder.Combine("precious");
        Directory.CreateDirectory(precious);
        await File.WriteAllTextAsync(Path.Combine(precious, "keep.txt"), "an operator's file");

        var refused = await Cli("modules", "install", ProbePackage(version: "1.1.0"), "--replace", "--into", precious, "--modules", modules);

        Assert.Equal(EmrProgram.ConfigurationError, refused.Exit);
        Assert.Contains($"folder {precious} already exists and is not empty, and is not the folder the listed module 'probe' was installed into from a package", refused.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(precious, "keep.txt")));
        Assert.Equal("modules/probe", (string?)Entry(modules, "probe")["path"]);
    }

    [Fact]
    public async Task Enable_disable_and_remove_edit_modules_json_and_keep_the_folder()
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);
        Assert.Equal(0, (await Cli("modules", "install", ProbePackage(), "--modules", modules)).Exit);

        Assert.Equal("disabled probe in " + modules, (await Cli("modules", "disable", "probe", "--modules", modules)).Output.Trim());
        Assert.False((bool)Entry(modules, "probe")["enabled"]!);
        Assert.Equal(0, (await Cli("modules", "enable", "probe", "--modules", modules)).Exit);
        Assert.True((bool)Entry(modules, "probe")["enabled"]!);

        var removed = await Cli("modules", "remove", "probe", "--modules", modules);
        Assert.Equal(0, removed.Exit);
        Assert.DoesNotContain(JsonNode.Parse(await File.ReadAllTextAsync(modules))!["modules"]!.AsArray(), m => (string?)m!["id"] == "probe");
        Assert.True(File.Exists(_folder.Combine("modules/probe/module.json")));

        var unknown = await Cli("modules", "disable", "probe", "--modules", modules);
        Assert.Equal(EmrProgram.ConfigurationError, unknown.Exit);
        Assert.Equal($"error: {modules}: module 'probe': is not listed", unknown.Error.Trim());
    }

    [Fact]
    public async Task A_package_reaching_outside_its_folder_is_refused_and_nothing_is_written()
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);
        var before = await File.ReadAllTextAsync(modules);
        var evil = _folder.Combine("evil.emrmodule");
        using (var zip = ZipFile.Open(evil, ZipArchiveMode.Create))
        {
            await using (var writer = new StreamWriter(zip.CreateEntry("module.json").Open()))
            {
                await writer.WriteAsync("""{ "id": "evil", "name": "Evil", "version": "1.0.0", "sdk": "^1.0.0", "assembly": "Evil.dll" }""");
            }

            await using (var writer = new StreamWriter(zip.CreateEntry("../outside.txt").Open()))
            {
                await writer.WriteAsync("escaped");
            }
        }

        var refused = await Cli("modules", "install", evil, "--modules", modules);

        Assert.Equal(EmrProgram.ConfigurationError, refused.Exit);
        Assert.StartsWith($"error: {evil}: cannot be unpacked: ", refused.Error, StringComparison.Ordinal);

        // An id is a folder name too: '../x' would place the module outside modules/.
        var climbing = _folder.Combine("climbing.emrmodule");
        using (var zip = ZipFile.Open(climbing, ZipArchiveMode.Create))
        {
            await using var writer = new StreamWriter(zip.CreateEntry("module.json").Open());
            await writer.WriteAsync("""{ "id": "../../escaped", "name": "Escaped", "version": "1.0.0", "sdk": "^1.0.0", "assembly": "Escaped.dll" }""");
        }

        var climbed = await Cli("modules", "install", climbing, "--modules", modules);
        Assert.Equal(EmrProgram.ConfigurationError, climbed.Exit);
        Assert.Contains("its module id '../../escaped' is not lower-case letters", climbed.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(_folder.Path)!, "escaped")));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_folder.Path)!, "outside.txt")));
        Assert.Equal(before, await File.ReadAllTextAsync(modules));
        Assert.Empty(Directory.GetDirectories(_folder.Path, ".install-*"));
    }

    private const string FhirAlice = "dda12af7-1691-11df-97a5-7038c432aabf";

    /// <summary>The Probe module as a package, as the PackModule target lays one out: the manifest beside the build output.</summary>
    private string ProbePackage(string version = "1.0.0")
    {
        var stage = _folder.Combine($"probe-stage-{version}");
        Directory.CreateDirectory(stage);
        foreach (var file in Directory.GetFiles(Path.Combine(ModulesFileBuilder.ProbeFolder, "bin")))
        {
            File.Copy(file, Path.Combine(stage, Path.GetFileName(file)), overwrite: true);
        }

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(ModulesFileBuilder.ProbeFolder, "module.json")))!;
        manifest["version"] = version;
        File.WriteAllText(Path.Combine(stage, "module.json"), manifest.ToJsonString());
        var package = _folder.Combine($"probe-{version}.emrmodule");
        File.Delete(package);
        ZipFile.CreateFromDirectory(stage, package);
        return package;
    }

    /// <summary>The real target, on the sample module as built: <c>dotnet build -t:PackModule -p:NoBuild=true</c>.</summary>
    private async Task<string> PackAllergiesAsync()
    {
        var output = _folder.Combine("dist");
        await DotnetCli.RunAsync(_folder, _folder.Path, ["build", Path.Combine(Repository.Root, "samples", "Allergies", "ModularEmr.Samples.Allergies.csproj"), "-t:PackModule", "-p:NoBuild=true", $"-p:EmrModulePackageDir={output}", "--nologo", "-v:q"], ownPackages: false);
        return Assert.Single(Directory.GetFiles(output, "*.emrmodule"));
    }

    private async Task<string> StartupErrorAsync(string modules)
    {
        var error = await Assert.ThrowsAnyAsync<StartupException>(() => EmrTestHost.BuildAsync(_folder.Combine("data"), modules));
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }

    private static JsonNode Entry(string modules, string id) =>
        JsonNode.Parse(File.ReadAllText(modules))!["modules"]!.AsArray().Single(m => (string?)m!["id"] == id)!;

    private static string Regexp(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    private static async Task<(int Exit, string Output, string Error)> Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await EmrProgram.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
