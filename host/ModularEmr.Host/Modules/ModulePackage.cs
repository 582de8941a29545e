using System.IO.Compression;

namespace ModularEmr.Host.Modules;

/// <summary>
/// A module package (<c>.emrmodule</c>): one zip file holding the module's <c>module.json</c> and its build
/// output (its assembly and private dependencies), made by the <c>PackModule</c> target of
/// <c>build/EmrModule.props</c>. Installing unpacks it beside <c>modules.json</c> and pins each file's
/// SHA-256 in the module's entry (<see cref="PinnedFiles"/>).
/// </summary>
internal static class ModulePackage
{
    public const string Extension = ".emrmodule";

    /// <summary>Refuses a package that would unpack to more than this: a zip bomb is not a module.</summary>
    private const long MaxUnpackedBytes = 1L << 30;

    /// <summary>Unpacks <paramref name="package"/> and lists it in <paramref name="modulesFile"/>.</summary>
    /// <param name="into">The module's folder; by default <c>modules/&lt;id&gt;</c> beside <c>modules.json</c>.</param>
    /// <param name="replace">Replace a module of the same id (an upgrade): its folder's files go, its settings and state stay.</param>
    public static (ModuleManifest Manifest, string Folder, int Files) Install(string package, string modulesFile, string? into, bool replace)
    {
        if (!File.Exists(package))
        {
            throw new ModuleConfigurationException(package, null, "not found");
        }

        var modulesFolder = Path.GetDirectoryName(Path.GetFullPath(modulesFile))!;
        var staging = Path.Combine(modulesFolder, $".install-{Guid.NewGuid():N}");
        try
        {
            Unpack(package, staging);
            var manifest = ModuleJson.Read<ModuleManifest>(Path.Combine(staging, ModuleManifest.FileName), null);
            if (!File.Exists(Path.Combine(staging, manifest.Assembly)))
            {
                throw new ModuleConfigurationException(package, manifest.Id, $"holds no {manifest.Assembly} beside its {ModuleManifest.FileName}");
            }

            var folder = Path.GetFullPath(into ?? Path.Combine(modulesFolder, "modules", manifest.Id));
            if (ModulesFileEditor.Lists(modulesFile, manifest.Id, out var listedPath) && !replace)
            {
                throw new ModuleConfigurationException(modulesFile, manifest.Id,
                    $"is already listed (path '{listedPath}'): install with --replace to upgrade it, or 'modules remove {manifest.Id}' first");
            }

            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any() && !replace)
            {
                throw new ModuleConfigurationException(package, manifest.Id, $"folder {folder} already exists and is not empty; install with --replace, or --into another folder");
            }

            var pinned = PinnedFiles.Hash(staging);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            Directory.Move(staging, folder);
            ModulesFileEditor.Put(modulesFile, manifest.Id, Path.GetRelativePath(modulesFolder, folder).Replace(Path.DirectorySeparatorChar, '/'), pinned);
            return (manifest, folder, pinned.Count);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static void Unpack(string package, string staging)
    {
        try
        {
            using var zip = ZipFile.OpenRead(package);
            if (zip.Entries.Sum(entry => entry.Length) > MaxUnpackedBytes)
            {
                throw new ModuleConfigurationException(package, null, $"would unpack to more than {MaxUnpackedBytes >> 20} MB");
            }

            if (zip.GetEntry(ModuleManifest.FileName) is null)
            {
                throw new ModuleConfigurationException(package, null, $"is not a module package: no {ModuleManifest.FileName} at its root");
            }

            // The framework refuses an entry that would land outside the folder ('../', an absolute path).
            zip.ExtractToDirectory(staging);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ModuleConfigurationException(package, null, $"cannot be unpacked: {ex.Message}");
        }
    }
}
