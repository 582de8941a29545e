using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModularEmr.Host.Modules;

/// <summary>
/// The admin CLI's changes to <c>modules.json</c>: add or replace an installed package's entry, enable,
/// disable, remove. The file is read strictly first (a broken file is named, not overwritten), and written
/// whole to a temporary file that then replaces it, so a crash leaves the old file or the new one. A file
/// with comments is not edited: they would be lost.
/// </summary>
internal static class ModulesFileEditor
{
    // Settings may hold any text (names with accents): written as typed, not as \u escapes.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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

    /// <summary>The module's entry as the host reads it, or null when the file does not list it.</summary>
    public static ModulesFileEntry? Find(string modulesFile, string id)
    {
        _ = Load(modulesFile);
        return ModuleJson.Read<ModulesFile>(modulesFile, null).Modules.FirstOrDefault(m => m.Id == id);
    }

    private static (JsonObject Root, JsonArray Modules) Load(string modulesFile)
    {
        if (!File.Exists(modulesFile))
        {
            throw new ModuleConfigurationException(modulesFile, null, "not found (pass another file with --modules FILE)");
        }

        _ = ModuleJson.Read<ModulesFile>(modulesFile, null);
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(modulesFile), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true })!.AsObject();
            return (root, root["modules"]!.AsArray());
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            // Read strictly above, so what stops this reading is a comment (or a key written twice).
            throw new ModuleConfigurationException(modulesFile, null, $"has comments or repeated keys, which an edit would lose; edit it by hand ({ex.Message})");
        }
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
        // Through a link to the file it names, and with its permissions: settings may hold secrets.
        var target = new FileInfo(modulesFile).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? modulesFile;
        var temporary = $"{target}.{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(root.ToJsonString(Indented) + Environment.NewLine);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
        }

        File.Move(temporary, target, overwrite: true);
    }
}
