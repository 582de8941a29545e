using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModularEmr.Host.Modules;

/// <summary>
/// The admin CLI's changes to <c>modules.json</c>: add or replace an installed package's entry, enable,
/// disable, remove. The file is read strictly first (a broken file is named, not overwritten), and written
/// whole to a temporary file that then replaces it, so a crash leaves the old file or the new one.
/// </summary>
internal static class ModulesFileEditor
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Adds the entry of a module installed from a package; an existing one keeps its settings and state.</summary>
    public static void Put(string modulesFile, string id, string path, IReadOnlyDictionary<string, string> sha256)
    {
        var (root, modules) = Load(modulesFile);
        var entry = Find(modules, id) ?? AddNew(modules, id);
        entry["path"] = path;
        entry["enabled"] ??= true;
        entry["sha256"] = new JsonObject(sha256.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        Save(modulesFile, root);
    }

    public static void SetEnabled(string modulesFile, string id, bool enabled)
    {
        var (root, modules) = Load(modulesFile);
        (Find(modules, id) ?? throw NotListed(modulesFile, id))["enabled"] = enabled;
        Save(modulesFile, root);
    }

    /// <summary>Takes the module out of the file; returns the folder it named, which stays, as its data does.</summary>
    public static string Remove(string modulesFile, string id)
    {
        var (root, modules) = Load(modulesFile);
        var entry = Find(modules, id) ?? throw NotListed(modulesFile, id);
        modules.Remove(entry);
        Save(modulesFile, root);
        return (string?)entry["path"] ?? string.Empty;
    }

    public static bool Lists(string modulesFile, string id, out string? path)
    {
        var entry = Find(Load(modulesFile).Modules, id);
        path = (string?)entry?["path"];
        return entry is not null;
    }

    private static (JsonObject Root, JsonArray Modules) Load(string modulesFile)
    {
        if (!File.Exists(modulesFile))
        {
            throw new ModuleConfigurationException(modulesFile, null, "not found (pass another file with --modules FILE)");
        }

        _ = ModuleJson.Read<ModulesFile>(modulesFile, null);
        var root = JsonNode.Parse(File.ReadAllText(modulesFile), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        return (root, root["modules"]!.AsArray());
    }

    private static JsonObject? Find(JsonArray modules, string id) =>
        modules.OfType<JsonObject>().FirstOrDefault(m => (string?)m["id"] == id);

    private static JsonObject AddNew(JsonArray modules, string id)
    {
        var entry = new JsonObject { ["id"] = id };
        modules.Add(entry);
        return entry;
    }

    private static ModuleConfigurationException NotListed(string modulesFile, string id) => new(modulesFile, id, "is not listed");

    private static void Save(string modulesFile, JsonObject root)
    {
        var temporary = modulesFile + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(Indented) + Environment.NewLine);
        File.Move(temporary, modulesFile, overwrite: true);
    }
}
