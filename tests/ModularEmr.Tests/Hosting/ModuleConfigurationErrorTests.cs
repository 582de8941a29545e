using System.Text.Json.Nodes;
using ModularEmr.Host.Hosting;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Hosting;

/// <summary>Each configuration an operator can get wrong stops the host with one line naming the file and module.</summary>
public sealed class ModuleConfigurationErrorTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Invalid_json_names_the_line_and_column()
    {
        var file = _folder.Write("modules.json", "{\n  \"modules\": [\n    { \"id\": \"oauth2\", \"path\": }\n  ]\n}");

        var message = await StartupError(file);

        Assert.StartsWith(file + ": line 3, column ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_is_named_with_its_line()
    {
        var file = _folder.Write("modules.json", "{\n  \"modules\": [\n    { \"id\": \"oauth2\", \"path\": \"x\", \"enabeld\": true }\n  ]\n}");

        var message = await StartupError(file);

        Assert.Contains("line 3", message, StringComparison.Ordinal);
        Assert.Contains("unknown key 'enabeld'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_modules_file_says_how_to_name_another()
    {
        var message = await StartupError(_folder.Combine("nowhere.json"));

        Assert.Contains("nowhere.json: not found (pass another file with --modules FILE)", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_module_folder_is_named()
    {
        var file = new ModulesFileBuilder().Add("oauth2", _folder.Combine("no-such-folder")).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains($"{file}: module 'oauth2': folder", message, StringComparison.Ordinal);
        Assert.Contains("not found", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_without_manifest_is_named()
    {
        Directory.CreateDirectory(_folder.Combine("empty"));
        var file = new ModulesFileBuilder().Add("oauth2", _folder.Combine("empty")).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains($"module 'oauth2': no module.json in {_folder.Combine("empty")}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_id_is_refused()
    {
        var file = ModulesFileBuilder.Shipped().Add("fhir", Repository.ModuleFolder("modules/Fhir")).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains("module 'fhir': is listed twice", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_requirement_names_what_is_needed()
    {
        var file = new ModulesFileBuilder().Add("fhir", Repository.ModuleFolder("modules/Fhir")).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains("modules/Fhir/module.json: module 'fhir': requires 'oauth2' >=1.0.0 <2.0.0, which is not listed in", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_requirement_that_is_disabled_is_named()
    {
        var file = new ModulesFileBuilder()
            .Add("oauth2", Repository.ModuleFolder("modules/OAuth2"), enabled: false)
            .Add("fhir", Repository.ModuleFolder("modules/Fhir"))
            .WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains("requires 'oauth2' >=1.0.0 <2.0.0, which is disabled", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_too_old_requirement_names_both_versions()
    {
        var probe = ProbeCopy("probe", manifest => manifest["requires"] = new JsonObject { ["oauth2"] = ">=2.0.0" });
        var file = ModulesFileBuilder.Shipped().Add("probe", probe).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains("module 'probe': requires 'oauth2' >=2.0.0, but version 1.3.0 is installed", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dependency_cycle_is_shown_as_a_path()
    {
        var first = ProbeCopy("probe-a", manifest => manifest["requires"] = new JsonObject { ["probe-b"] = "*" });
        var second = ProbeCopy("probe-b", manifest => manifest["requires"] = new JsonObject { ["probe-a"] = "^1.0.0" });
        var file = new ModulesFileBuilder().Add("probe-a", first).Add("probe-b", second).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains("dependency cycle: probe-a -> probe-b -> probe-a", message, StringComparison.Ordinal);
    }

    /// <summary>The refusal says which side to change: a module asking for a newer sdk needs a newer host; one made for an older major, a rebuild.</summary>
    [Theory]
    [InlineData(">=2.0.0 <3.0.0", "upgrade the host to one with sdk >=2.0.0 <3.0.0")]
    [InlineData("^1.99.0", "upgrade the host to one with sdk ^1.99.0")]
    [InlineData(">=0.1.0 <1.0.0", "rebuild the module against sdk 1.x")]
    public async Task An_sdk_range_the_host_does_not_meet_is_refused_saying_which_side_to_change(string range, string advice)
    {
        var probe = ProbeCopy("probe", manifest => manifest["sdk"] = range);
        var file = ModulesFileBuilder.Shipped().Add("probe", probe).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains($"module 'probe': needs sdk {range}, but this host has sdk {ModularEmr.Sdk.Modules.SdkInfo.Version}: {advice}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assembly_named_outside_the_modules_folder_is_refused()
    {
        var probe = ProbeCopy("probe", manifest => manifest["assembly"] = "../other/Probe.dll");
        var file = ModulesFileBuilder.Shipped().Add("probe", probe).WriteTo(_folder);

        Assert.Contains("module 'probe': 'assembly' must be a file name in the module's folder, not '../other/Probe.dll'", await StartupError(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assembly_without_a_module_type_is_refused()
    {
        var folder = _folder.Combine("plain");
        Directory.CreateDirectory(folder);
        File.Copy(typeof(ModularEmr.Sdk.Modules.EmrModule).Assembly.Location, Path.Combine(folder, "Plain.dll"));
        File.WriteAllText(Path.Combine(folder, "module.json"), """{ "id": "plain", "name": "Plain", "version": "1.0.0", "sdk": "^1.0.0", "assembly": "Plain.dll" }""");
        var file = new ModulesFileBuilder().Add("plain", folder).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains("module 'plain': Plain.dll has no module type: add a public class deriving from ModularEmr.Sdk.Modules.EmrModule", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_an_assembly_is_refused()
    {
        var probe = ProbeCopy("probe");
        File.WriteAllText(Path.Combine(probe, "bin", "ModularEmr.Tests.Modules.Probe.dll"), "not a program");
        var file = ModulesFileBuilder.Shipped().Add("probe", probe).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains("module 'probe':", message, StringComparison.Ordinal);
        Assert.Contains("is not a .NET assembly", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_assembly_says_to_build_the_module()
    {
        var probe = ProbeCopy("probe");
        File.Delete(Path.Combine(probe, "bin", "ModularEmr.Tests.Modules.Probe.dll"));
        var file = ModulesFileBuilder.Shipped().Add("probe", probe).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains("assembly 'ModularEmr.Tests.Modules.Probe.dll' not found", message, StringComparison.Ordinal);
        Assert.Contains("dotnet build", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_with_an_unknown_key_are_refused()
    {
        var file = ModulesFileBuilder.Shipped().AddProbe(settings: new { Greting = "typo" }).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains("module 'probe': settings are invalid", message, StringComparison.Ordinal);
        Assert.Contains("Greting", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_that_fail_validation_are_refused()
    {
        var file = ModulesFileBuilder.Shipped().AddProbe(settings: new { Greeting = "x" }).WriteTo(_folder);

        var message = await StartupError(file);

        Assert.Contains("module 'probe': settings are invalid", message, StringComparison.Ordinal);
        Assert.Contains("Greeting", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_install_is_rolled_back_and_not_recorded()
    {
        var file = ModulesFileBuilder.Shipped().AddProbe(settings: new { FailInstall = true }).WriteTo(_folder);
        var data = _folder.Combine("data");

        var message = await StartupError(file, data);

        Assert.Contains("module 'probe': install to 1.0.0 failed and was rolled back: the probe was told to fail its install", message, StringComparison.Ordinal);
        var database = Path.Combine(data, "emr.db");
        Assert.Empty(await Database.QueryAsync(database, "SELECT version FROM module_state WHERE module_id = 'probe'"));
        Assert.Empty(await Database.QueryAsync(database, "SELECT name FROM role WHERE name = 'Probe Keeper'"));
        Assert.Empty(await Database.QueryAsync(database, "SELECT name FROM privilege WHERE name = 'Probe Things'"));
        Assert.Empty(await Database.QueryAsync(database, "SELECT name FROM oauth_scope WHERE name = 'probe.read'"));
        Assert.False(await Database.TableExistsAsync(database, "probe_event"));
        Assert.False(await Database.TableExistsAsync(database, "__migrations_probe"));
        // The modules before it installed normally.
        Assert.Equal(["fhir", "oauth2", "rest"], await Database.QueryAsync(database, "SELECT module_id FROM module_state ORDER BY module_id"));
    }

    [Fact]
    public async Task A_module_older_than_the_installed_version_is_refused()
    {
        var probe = ProbeCopy("probe", manifest => manifest["version"] = "2.0.0");
        var file = ModulesFileBuilder.Shipped().Add("probe", probe).WriteTo(_folder);
        var data = _folder.Combine("data");
        await using (await EmrTestHost.StartAsync(data, file))
        {
        }

        ModuleLoadingTests.SetManifestVersion(probe, "1.0.0");
        var message = await StartupError(file, data);

        Assert.Contains("module 'probe': version 1.0.0 is older than version 2.0.0 installed on this database", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token-encryption.key", "c2hvcnQ=", "holds 5 bytes; it must hold 64")]
    [InlineData("token-signing.key", "not base64 at all!", "is not base64 text")]
    [InlineData("signing.pem", "-----BEGIN NOTHING-----", "does not hold a PEM private key")]
    public async Task A_damaged_OAuth2_key_file_stops_start_up_with_one_line_naming_it(string key, string content, string problem)
    {
        var keys = Directory.CreateDirectory(_folder.Combine("data", "keys", "oauth2")).FullName;
        File.WriteAllText(Path.Combine(keys, key), content);

        var error = await Assert.ThrowsAsync<IOException>(() => EmrTestHost.BuildAsync(_folder.Combine("data"), ModulesFileBuilder.Shipped().WriteTo(_folder)));

        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith($"the key file '{Path.Combine(keys, key)}' {problem}.", error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(Path.Combine(keys, key)));
    }

    private async Task<string> StartupError(string modulesFile, string? data = null)
    {
        var error = await Assert.ThrowsAnyAsync<StartupException>(() => EmrTestHost.BuildAsync(data ?? _folder.Combine("data"), modulesFile));
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }

    private string ProbeCopy(string id, Action<JsonNode>? change = null)
    {
        var target = ModuleLoadingTests.CopyProbe(_folder, id);
        var file = Path.Combine(target, "module.json");
        var manifest = JsonNode.Parse(File.ReadAllText(file))!;
        manifest["id"] = id;
        change?.Invoke(manifest);
        File.WriteAllText(file, manifest.ToJsonString());
        return target;
    }
}
