using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Host.Modules;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Hosting;

public sealed class ModuleLoadingTests
{
    [Fact]
    public async Task The_shipped_modules_load_after_the_modules_they_require_whatever_their_order_in_the_file()
    {
        using var folder = new TestFolder();
        var modules = new ModulesFileBuilder()
            .Add("rest", Repository.ModuleFolder("modules/Rest"))
            .Add("fhir", Repository.ModuleFolder("modules/Fhir"))
            .Add("oauth2", Repository.ModuleFolder("modules/OAuth2"))
            .WriteTo(folder);

        await using var host = await EmrTestHost.StartAsync(folder.Combine("data"), modules);

        var loaded = host.App.Services.GetRequiredService<ModuleRegistry>().Loaded.Select(m => m.Id).ToList();
        Assert.Equal(["oauth2", "rest", "fhir"], loaded);
        var listed = await host.CreateClient().GetFromJsonAsync<JsonObject>("/ws/modules");
        Assert.Equal(
            ["rest:1.0.0:started", "fhir:1.0.0:started", "oauth2:1.3.0:started"],
            listed!["modules"]!.AsArray().Select(m => $"{m!["id"]}:{m["version"]}:{m["state"]}").ToList());
    }

    [Fact]
    public async Task Health_reports_the_database_reachable()
    {
        using var folder = new TestFolder();
        await using var host = await EmrTestHost.StartAsync(folder.Combine("data"), ModulesFileBuilder.Shipped().WriteTo(folder));

        var health = await host.CreateClient().GetFromJsonAsync<JsonObject>("/health");

        Assert.Equal("healthy", (string?)health!["status"]);
    }

    [Fact]
    public async Task Install_runs_once_across_two_starts_and_a_raised_version_runs_the_upgrade_once()
    {
        using var folder = new TestFolder();
        var probeCopy = CopyProbe(folder);
        var modules = ModulesFileBuilder.Shipped().AddProbe(path: probeCopy).WriteTo(folder);
        var data = folder.Combine("data");

        await using (var first = await EmrTestHost.StartAsync(data, modules))
        {
            Assert.Equal(["install 1.0.0"], await Events(first));
        }

        await using (var second = await EmrTestHost.StartAsync(data, modules))
        {
            Assert.Equal(["install 1.0.0"], await Events(second));
        }

        SetManifestVersion(probeCopy, "1.1.0");
        await using (var upgraded = await EmrTestHost.StartAsync(data, modules))
        {
            Assert.Equal(["install 1.0.0", "upgrade 1.0.0 -> 1.1.0"], await Events(upgraded));
            Assert.Equal(["1.1.0"], await Database.QueryAsync(upgraded.DatabaseFile, "SELECT version FROM module_state WHERE module_id = 'probe'"));
        }

        await using (var again = await EmrTestHost.StartAsync(data, modules))
        {
            Assert.Equal(["install 1.0.0", "upgrade 1.0.0 -> 1.1.0"], await Events(again));
        }

        // The role the probe creates on install exists once, not once per start.
        await using var last = await EmrTestHost.StartAsync(data, modules);
        Assert.Equal(["1"], await Database.QueryAsync(last.DatabaseFile, "SELECT COUNT(*) FROM role WHERE name = 'Probe Keeper'"));
    }

    [Fact]
    public async Task A_disabled_module_serves_nothing_and_its_data_stays()
    {
        using var folder = new TestFolder();
        var data = folder.Combine("data");
        await using (var enabled = await EmrTestHost.StartAsync(data, ModulesFileBuilder.Shipped().AddProbe().WriteTo(folder)))
        {
            Assert.Equal(HttpStatusCode.OK, (await enabled.CreateClient().GetAsync("/ws/probe/events")).StatusCode);
        }

        await using var disabled = await EmrTestHost.StartAsync(data, ModulesFileBuilder.Shipped().AddProbe(enabled: false).WriteTo(folder));

        Assert.Equal(HttpStatusCode.NotFound, (await disabled.CreateClient().GetAsync("/ws/probe/events")).StatusCode);
        Assert.Equal(["install 1.0.0"], await Database.QueryAsync(disabled.DatabaseFile, "SELECT what FROM probe_event"));
        Assert.Equal(["1.0.0"], await Database.QueryAsync(disabled.DatabaseFile, "SELECT version FROM module_state WHERE module_id = 'probe'"));
        var listed = await disabled.CreateClient().GetFromJsonAsync<JsonObject>("/ws/modules");
        var probe = listed!["modules"]!.AsArray().Single(m => (string?)m!["id"] == "probe");
        Assert.Equal("disabled (data kept)", (string?)probe!["state"]);
    }

    [Fact]
    public async Task Module_requests_run_in_the_module_reflection_context()
    {
        using var folder = new TestFolder();
        await using var host = await EmrTestHost.StartAsync(folder.Combine("data"), ModulesFileBuilder.Shipped().AddProbe().WriteTo(folder));

        var response = await host.CreateClient().GetAsync("/ws/probe/reflection");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("ModularEmr.Tests.Modules.Probe.dll\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_settings_bind_to_the_module_options()
    {
        using var folder = new TestFolder();
        var modules = ModulesFileBuilder.Shipped().AddProbe(settings: new { Greeting = "bonjour" }).WriteTo(folder);
        await using var host = await EmrTestHost.StartAsync(folder.Combine("data"), modules);

        Assert.Equal("\"bonjour\"", await host.CreateClient().GetStringAsync("/ws/probe/greeting"));
    }

    [Fact]
    public async Task Modules_declare_scopes_and_roles_through_the_install_context()
    {
        using var folder = new TestFolder();
        await using var host = await EmrTestHost.StartAsync(folder.Combine("data"), ModulesFileBuilder.Shipped().AddProbe().WriteTo(folder));

        await using var scope = host.CreateScope();
        var scopes = await scope.ServiceProvider.GetRequiredService<ModularEmr.Sdk.Security.IScopeCatalog>().ListAsync();
        var declared = Assert.Single(scopes, s => s.Scope.Name == "probe.read");
        Assert.Equal("probe", declared.ModuleId);
        var roles = await scope.ServiceProvider.GetRequiredService<ModularEmr.Sdk.Accounts.IUserAccounts>().ListRolesAsync();
        Assert.Equal(["Probe Things"], roles.Single(r => r.Name == "Probe Keeper").Privileges);
    }

    private static async Task<List<string?>> Events(EmrTestHost host) =>
        (await host.CreateClient().GetFromJsonAsync<List<string?>>("/ws/probe/events"))!;

    /// <summary>A copy of the probe module folder whose manifest a test may change.</summary>
    internal static string CopyProbe(TestFolder folder, string name = "probe")
    {
        var target = folder.Combine(name);
        Directory.CreateDirectory(Path.Combine(target, "bin"));
        File.Copy(Path.Combine(ModulesFileBuilder.ProbeFolder, "module.json"), Path.Combine(target, "module.json"));
        foreach (var file in Directory.GetFiles(Path.Combine(ModulesFileBuilder.ProbeFolder, "bin")))
        {
            File.Copy(file, Path.Combine(target, "bin", Path.GetFileName(file)));
        }

        return target;
    }

    internal static void SetManifestVersion(string moduleFolder, string version)
    {
        var file = Path.Combine(moduleFolder, "module.json");
        var manifest = JsonNode.Parse(File.ReadAllText(file))!;
        manifest["version"] = version;
        File.WriteAllText(file, manifest.ToJsonString());
    }
}
