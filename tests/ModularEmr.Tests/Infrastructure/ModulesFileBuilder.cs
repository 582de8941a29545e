using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>Writes a modules.json naming modules by absolute folder, as an operator would list them.</summary>
internal sealed class ModulesFileBuilder
{
    private readonly JsonArray _modules = [];

    /// <summary>The three shipped modules, as the repository's modules.json lists them.</summary>
    public static ModulesFileBuilder Shipped() => new ModulesFileBuilder()
        .Add("oauth2", Repository.ModuleFolder("modules/OAuth2"))
        .Add("fhir", Repository.ModuleFolder("modules/Fhir"))
        .Add("rest", Repository.ModuleFolder("modules/Rest"));

    public static string ProbeFolder => Repository.ModuleFolder("tests/Modules/Probe");

    public ModulesFileBuilder Add(string id, string path, bool enabled = true, object? settings = null)
    {
        var entry = new JsonObject { ["id"] = id, ["path"] = path, ["enabled"] = enabled };
        if (settings is not null)
        {
            entry["settings"] = JsonSerializer.SerializeToNode(settings);
        }

        _modules.Add(entry);
        return this;
    }

    public ModulesFileBuilder AddProbe(bool enabled = true, object? settings = null, string? path = null) =>
        Add("probe", path ?? ProbeFolder, enabled, settings);

    public string WriteTo(TestFolder folder, string name = "modules.json") =>
        folder.Write(name, new JsonObject { ["modules"] = _modules.DeepClone() }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
