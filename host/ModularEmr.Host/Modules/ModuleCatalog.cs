using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Host.Modules;

/// <summary>A module listed in <c>modules.json</c>, its manifest read and checked.</summary>
internal sealed record CatalogModule(
    ModulesFileEntry Entry,
    string Folder,
    string ManifestFile,
    ModuleManifest? Manifest,
    SemanticVersion? Version,
    IConfiguration Settings)
{
    public string Id => Entry.Id;

    public bool Enabled => Entry.Enabled;

    public ModuleDescriptor Descriptor => new(Id, Manifest?.Name ?? Id, Version ?? new SemanticVersion(0, 0, 0), Manifest?.Description);
}

/// <summary>
/// Reads <c>modules.json</c> and each module's manifest, checks them, and orders the enabled modules so
/// that every module comes after the modules it requires.
/// </summary>
internal sealed partial class ModuleCatalog
{
    private ModuleCatalog(string modulesFile, IReadOnlyList<CatalogModule> all, IReadOnlyList<CatalogModule> loadOrder)
    {
        ModulesFile = modulesFile;
        All = all;
        LoadOrder = loadOrder;
    }

    public string ModulesFile { get; }

    /// <summary>Every listed module, in file order, enabled or not.</summary>
    public IReadOnlyList<CatalogModule> All { get; }

    /// <summary>The enabled modules, each after the ones it requires.</summary>
    public IReadOnlyList<CatalogModule> LoadOrder { get; }

    public static ModuleCatalog Read(string modulesFile, SemanticVersion sdkVersion)
    {
        modulesFile = Path.GetFullPath(modulesFile);
        if (!File.Exists(modulesFile))
        {
            throw new ModuleConfigurationException(modulesFile, null, "not found (pass another file with --modules FILE)");
        }

        var file = ModuleJson.Read<ModulesFile>(modulesFile, null);
        var baseFolder = Path.GetDirectoryName(modulesFile)!;
        var modules = new List<CatalogModule>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in file.Modules)
        {
            if (!IdPattern().IsMatch(entry.Id))
            {
                throw new ModuleConfigurationException(modulesFile, entry.Id, "the id must be lower-case letters, digits, '.', '-' or '_', starting with a letter");
            }

            if (!seen.Add(entry.Id))
            {
                throw new ModuleConfigurationException(modulesFile, entry.Id, "is listed twice; each module id may appear once");
            }

            modules.Add(ReadModule(modulesFile, baseFolder, entry, sdkVersion));
        }

        return new ModuleCatalog(modulesFile, modules, Order(modulesFile, modules));
    }

    private static CatalogModule ReadModule(string modulesFile, string baseFolder, ModulesFileEntry entry, SemanticVersion sdkVersion)
    {
        var folder = Path.GetFullPath(Path.Combine(baseFolder, entry.Path));
        var manifestFile = Path.Combine(folder, ModuleManifest.FileName);
        var settings = ReadSettings(modulesFile, entry);
        if (!entry.Enabled)
        {
            // A disabled module loads nothing; its manifest is read only to show its name and version.
            var readable = File.Exists(manifestFile) ? TryReadManifest(manifestFile, entry.Id) : null;
            var disabledVersion = SemanticVersion.TryParse(readable?.Version, out var parsed) ? parsed : null;
            return new CatalogModule(entry, folder, manifestFile, readable, disabledVersion, settings);
        }

        if (!Directory.Exists(folder))
        {
            throw new ModuleConfigurationException(modulesFile, entry.Id, $"folder '{entry.Path}' not found (looked in {folder})");
        }

        if (entry.Sha256 is { } pinned && PinnedFiles.FirstDifference(folder, pinned) is { } difference)
        {
            // Before anything of the folder is read: a changed manifest is as suspect as a changed assembly.
            throw new ModuleConfigurationException(modulesFile, entry.Id, difference);
        }

        if (!File.Exists(manifestFile))
        {
            throw new ModuleConfigurationException(modulesFile, entry.Id, $"no {ModuleManifest.FileName} in {folder}");
        }

        var manifest = ModuleJson.Read<ModuleManifest>(manifestFile, entry.Id);
        if (!IsPlainFileName(manifest.Assembly))
        {
            // The assembly lives in the module's folder (or its bin/): a path elsewhere would load code that
            // is neither the module's nor, for a package, pinned.
            throw new ModuleConfigurationException(manifestFile, entry.Id, $"'assembly' must be a file name in the module's folder, not '{manifest.Assembly}'");
        }

        if (!string.Equals(manifest.Id, entry.Id, StringComparison.Ordinal))
        {
            throw new ModuleConfigurationException(manifestFile, entry.Id, $"the manifest declares id '{manifest.Id}', but modules.json lists it as '{entry.Id}'");
        }

        if (!SemanticVersion.TryParse(manifest.Version, out var version))
        {
            throw new ModuleConfigurationException(manifestFile, entry.Id, $"version '{manifest.Version}' is not a semantic version (MAJOR.MINOR.PATCH)");
        }

        if (!VersionRange.TryParse(manifest.Sdk, out var sdkRange))
        {
            throw new ModuleConfigurationException(manifestFile, entry.Id, $"sdk range '{manifest.Sdk}' cannot be read (write e.g. '>=1.0.0 <2.0.0' or '^1.0.0')");
        }

        if (!sdkRange.Includes(sdkVersion))
        {
            // Say which side to change: a module built for a newer sdk needs a newer host, not a rebuild.
            throw new ModuleConfigurationException(manifestFile, entry.Id, sdkRange.AsksNewerThan(sdkVersion)
                ? $"needs sdk {sdkRange}, but this host has sdk {sdkVersion}: upgrade the host to one with sdk {sdkRange}, or build the module against sdk {sdkVersion} and lower its 'sdk' range to ^{sdkVersion}"
                : $"needs sdk {sdkRange}, but this host has sdk {sdkVersion}: rebuild the module against sdk {sdkVersion.Major}.x and set its 'sdk' range to ^{sdkVersion.Major}.0.0");
        }

        foreach (var (required, rangeText) in manifest.Requires ?? new Dictionary<string, string>())
        {
            if (!VersionRange.TryParse(rangeText, out _))
            {
                throw new ModuleConfigurationException(manifestFile, entry.Id, $"requirement '{required}': range '{rangeText}' cannot be read");
            }
        }

        return new CatalogModule(entry, folder, manifestFile, manifest, version, settings);
    }

    private static ModuleManifest? TryReadManifest(string manifestFile, string id)
    {
        try
        {
            return ModuleJson.Read<ModuleManifest>(manifestFile, id);
        }
        catch (ModuleConfigurationException)
        {
            return null;
        }
    }

    private static IConfiguration ReadSettings(string modulesFile, ModulesFileEntry entry)
    {
        if (entry.Settings is not { } settings || settings.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            return new ConfigurationBuilder().Build();
        }

        if (settings.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw new ModuleConfigurationException(modulesFile, entry.Id, "'settings' must be an object");
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(settings.GetRawText()));
        return new ConfigurationBuilder().AddJsonStream(stream).Build();
    }

    /// <summary>Depth-first topological order; ties keep the order of <c>modules.json</c>.</summary>
    private static List<CatalogModule> Order(string modulesFile, IReadOnlyList<CatalogModule> modules)
    {
        var byId = modules.ToDictionary(m => m.Id, StringComparer.Ordinal);
        foreach (var module in modules.Where(m => m.Enabled))
        {
            foreach (var (requiredId, rangeText) in module.Manifest!.Requires ?? new Dictionary<string, string>())
            {
                // Ranges were checked when the manifest was read.
                var range = VersionRange.TryParse(rangeText, out var parsed) ? parsed : throw new InvalidOperationException(rangeText);
                if (!byId.TryGetValue(requiredId, out var required))
                {
                    throw new ModuleConfigurationException(module.ManifestFile, module.Id, $"requires '{requiredId}' {range}, which is not listed in {modulesFile}");
                }

                if (!required.Enabled)
                {
                    throw new ModuleConfigurationException(module.ManifestFile, module.Id, $"requires '{requiredId}' {range}, which is disabled in {modulesFile}");
                }

                if (!range.Includes(required.Version!))
                {
                    throw new ModuleConfigurationException(module.ManifestFile, module.Id, $"requires '{requiredId}' {range}, but version {required.Version} is installed");
                }
            }
        }

        var ordered = new List<CatalogModule>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var module in modules.Where(m => m.Enabled))
        {
            Visit(module);
        }

        return ordered;

        void Visit(CatalogModule module)
        {
            if (done.Contains(module.Id))
            {
                return;
            }

            if (path.Contains(module.Id))
            {
                var cycle = path.Skip(path.IndexOf(module.Id)).Append(module.Id);
                throw new ModuleConfigurationException(modulesFile, module.Id, $"dependency cycle: {string.Join(" -> ", cycle)}");
            }

            path.Add(module.Id);
            foreach (var requiredId in module.Manifest!.Requires?.Keys ?? Enumerable.Empty<string>())
            {
                Visit(byId[requiredId]);
            }

            path.RemoveAt(path.Count - 1);
            done.Add(module.Id);
            ordered.Add(module);
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9._-]*$")]
    internal static partial Regex IdPattern();

    internal static bool IsPlainFileName(string name) =>
        name.Length > 0 && name == Path.GetFileName(name) && name is not ("." or "..") && !name.Contains('\\', StringComparison.Ordinal);
}
