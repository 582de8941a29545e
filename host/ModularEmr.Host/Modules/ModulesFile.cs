using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModularEmr.Host.Modules;

/// <summary>
/// The operator's list of installed modules (<c>modules.json</c>):
/// <c>{ "modules": [ { "id", "path", "enabled", "settings" } ] }</c>.
/// </summary>
internal sealed record ModulesFile([property: JsonRequired] IReadOnlyList<ModulesFileEntry> Modules);

/// <summary>One installed module: <paramref name="Path"/> is its folder, relative to <c>modules.json</c>.</summary>
/// <param name="Sha256">
/// For a module installed from a package (<c>modules install</c>): every file of its folder, by path relative
/// to it, with the SHA-256 it had when installed. Every start checks them (<see cref="PinnedFiles"/>).
/// </param>
internal sealed record ModulesFileEntry(
    [property: JsonRequired] string Id,
    [property: JsonRequired] string Path,
    bool Enabled = true,
    JsonElement? Settings = null,
    IReadOnlyDictionary<string, string>? Sha256 = null);

/// <summary>A module's manifest (<c>module.json</c>), readable without loading its code.</summary>
internal sealed record ModuleManifest(
    [property: JsonRequired] string Id,
    [property: JsonRequired] string Name,
    [property: JsonRequired] string Version,
    [property: JsonRequired] string Sdk,
    [property: JsonRequired] string Assembly,
    IReadOnlyDictionary<string, string>? Requires = null,
    string? Description = null)
{
    public const string FileName = "module.json";
}
