using System.Security.Cryptography;

namespace ModularEmr.Host.Modules;

/// <summary>
/// The files of a module installed from a package, pinned by SHA-256 in <c>modules.json</c>. A module runs
/// with the host's full rights, so a file changed, added or removed since the install (a patched assembly,
/// a library dropped beside it) stops the start, naming the file and both hashes.
/// </summary>
internal static class PinnedFiles
{
    /// <summary>Every file under <paramref name="folder"/>, by '/'-separated relative path, with its SHA-256 (lower-case hex).</summary>
    public static SortedDictionary<string, string> Hash(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(file => Relative(folder, file), HashFile, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The first way <paramref name="folder"/> differs from <paramref name="pinned"/>, in words; null when it does not.</summary>
    public static string? FirstDifference(string folder, IReadOnlyDictionary<string, string> pinned)
    {
        foreach (var (file, expected) in pinned.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(folder, file);
            if (!File.Exists(path))
            {
                return $"file {file} is missing (installed with SHA-256 {expected}); reinstall the package";
            }

            var actual = HashFile(path);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                return $"file {file} changed since it was installed: expected SHA-256 {expected}, found {actual}; reinstall the package or remove the module";
            }
        }

        var added = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(file => Relative(folder, file))
            .Where(file => !pinned.ContainsKey(file))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        return added is null ? null
            : $"file {added} was not installed with the package (SHA-256 {HashFile(Path.Combine(folder, added))}); remove it or reinstall the package";
    }

    private static string Relative(string folder, string file) => Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');

    private static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
