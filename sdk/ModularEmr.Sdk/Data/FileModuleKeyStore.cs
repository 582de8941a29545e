namespace ModularEmr.Sdk.Data;

/// <summary>
/// Keys in owner-only files under <c>{data}/keys/{module}/</c>: the store of a host on its embedded database.
/// Added in sdk 1.4.0.
/// </summary>
public sealed class FileModuleKeyStore(string dataDirectory, string moduleId) : IModuleKeyStore
{
    private readonly string _folder = Path.Combine(dataDirectory, "keys", moduleId);

    /// <inheritdoc />
    public string Describe(string name) => Path.Combine(_folder, name);

    /// <inheritdoc />
    public string GetOrCreate(string name, Func<string> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var file = Describe(name);
        if (File.Exists(file))
        {
            return File.ReadAllText(file);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_folder);
        }
        else
        {
            Directory.CreateDirectory(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
        {
            writer.Write(create());
        }

        // Two hosts starting at once on one data folder keep whichever key landed first.
        try
        {
            File.Move(temporary, file, overwrite: false);
        }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(temporary);
        }

        return File.ReadAllText(file);
    }
}
