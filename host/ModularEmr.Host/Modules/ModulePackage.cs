using System.IO.Compression;

namespace ModularEmr.Host.Modules;

/// <summary>
/// A module package (<c>.emrmodule</c>): one zip file holding the module's <c>module.json</c> and its build
/// output (its assembly and private dependencies), made by the <c>PackModule</c> target of the sdk's build
/// files. Installing unpacks it beside <c>modules.json</c> and pins each file's SHA-256 in the module's entry
/// (<see cref="PinnedFiles"/>).
/// </summary>
internal static class ModulePackage
{
    public const string Extension = ".emrmodule";

    /// <summary>Refuses a package that would unpack to more than this, or hold more files: a zip bomb is not a module.</summary>
    private const long MaxUnpackedBytes = 1L << 30;
    private const int MaxEntries = 10_000;

    /// <summary>Unpacks <paramref name="package"/> and lists it in <paramref name="modulesFile"/>.</summary>
    /// <param name="into">The module's folder; by default <c>modules/&lt;id&gt;</c> beside <c>modules.json</c>.</param>
    /// <param name="replace">Replace a module of the same id (an upgrade): its files go, its entry's settings and state stay.</param>
    public static (ModuleManifest Manifest, string Folder, int Files) Install(string package, string modulesFile, string? into, bool replace)
    {
        if (!File.Exists(package))
        {
            throw new ModuleConfigurationException(package, null, "not found");
        }

        var modulesFolder = Path.GetDirectoryName(Path.GetFullPath(modulesFile))!;
        var staging = Path.Combine(modulesFolder, $".install-{Guid.NewGuid():N}");
        string? folder = null;
        string? previous = null;
        var installed = false;
        try
        {
            Unpack(package, staging);
            var manifest = ModuleJson.Read<ModuleManifest>(Path.Combine(staging, ModuleManifest.FileName), null);
            if (!ModuleCatalog.IdPattern().IsMatch(manifest.Id))
            {
                // The id names the folder: '../x' would put the module anywhere.
                throw new ModuleConfigurationException(package, null, $"its module id '{manifest.Id}' is not lower-case letters, digits, '.', '-' or '_', starting with a letter");
            }

            if (!ModuleCatalog.IsPlainFileName(manifest.Assembly) || !File.Exists(Path.Combine(staging, manifest.Assembly)))
            {
                throw new ModuleConfigurationException(package, manifest.Id, $"holds no assembly '{manifest.Assembly}' beside its {ModuleManifest.FileName}");
            }

            folder = Path.GetFullPath(into ?? Path.Combine(modulesFolder, "modules", manifest.Id));
            var entry = ModulesFileEditor.Find(modulesFile, manifest.Id);
            if (entry is not null && !replace)
            {
                throw new ModuleConfigurationException(modulesFile, manifest.Id,
                    $"is already listed (path '{entry.Path}'): install with --replace to upgrade it, or 'modules remove {manifest.Id}' first");
            }

            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            {
                // Only a folder the listed module was installed into from a package, holding nothing but its
                // pinned files, is ever replaced: never a source folder, another module, or an operator's files.
                if (!(replace && entry is { Sha256: { } pinnedBefore } && Path.GetFullPath(Path.Combine(modulesFolder, entry.Path)) == folder && OnlyPinned(folder, pinnedBefore)))
                {
                    throw new ModuleConfigurationException(package, manifest.Id,
                        $"folder {folder} already exists and is not empty{(replace ? $", and is not the folder the listed module '{manifest.Id}' was installed into from a package, holding only its files" : string.Empty)}; install --into another folder");
                }

                previous = folder + $".previous-{Guid.NewGuid():N}";
                Directory.Move(folder, previous);
            }

            var pinned = PinnedFiles.Hash(staging);
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            MoveInto(staging, folder);
            ModulesFileEditor.Put(modulesFile, manifest.Id, Path.GetRelativePath(modulesFolder, folder).Replace(Path.DirectorySeparatorChar, '/'), pinned);
            installed = true;
            return (manifest, folder, pinned.Count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModuleConfigurationException(package, null, $"cannot be installed: {ex.Message}");
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            if (previous is not null && installed)
            {
                Directory.Delete(previous, recursive: true);
            }
            else if (previous is not null)
            {
                // The install failed after the old files were set aside, and modules.json still names them: back they go.
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder!, recursive: true);
                }

                Directory.Move(previous, folder!);
            }
        }
    }

    /// <summary>Whether <paramref name="folder"/> holds the pinned files and nothing else (so replacing it loses nothing of the operator's).</summary>
    private static bool OnlyPinned(string folder, IReadOnlyDictionary<string, string> pinned) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .All(file => pinned.ContainsKey(Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/')));

    /// <summary>A rename where it can be; a copy when the folder is on another file system (a rename cannot cross one).</summary>
    private static void MoveInto(string source, string destination)
    {
        try
        {
            Directory.Move(source, destination);
        }
        catch (IOException) when (!Directory.Exists(destination))
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(destination, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }

    private static void Unpack(string package, string staging)
    {
        try
        {
            using var zip = ZipFile.OpenRead(package);
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                // Added with a check at each step: declared sizes are the package's word, and could overflow a sum.
                total += Math.Min(entry.Length, MaxUnpackedBytes + 1);
                if (total > MaxUnpackedBytes || zip.Entries.Count > MaxEntries)
                {
                    throw new ModuleConfigurationException(package, null, $"would unpack to more than {MaxUnpackedBytes >> 20} MB or {MaxEntries} files");
                }
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
