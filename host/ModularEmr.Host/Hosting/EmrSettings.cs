namespace ModularEmr.Host.Hosting;

/// <summary>
/// The host's own settings (<c>Emr:*</c>), resolved to absolute paths. The data folder defaults to
/// <c>data</c> beside the modules file. <see cref="PublicOrigin"/> is null when not configured (allowed in
/// Development only, see <see cref="EmrHost"/>).
/// </summary>
internal sealed record EmrSettings(
    string DataDirectory,
    string ModulesFile,
    string DatabaseProvider,
    bool Demo,
    Uri? PublicOrigin = null,
    ForwardedHeadersSettings? ForwardedHeaders = null,
    string? ConnectionString = null)
{
    public string DatabaseFile => Path.Combine(DataDirectory, "emr.db");

    public static EmrSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var provider = (configuration["Emr:Database:Provider"] ?? Data.SqliteEmrDatabase.Provider).ToLowerInvariant();
        string? connectionString = null;
        switch (provider)
        {
            case Data.SqliteEmrDatabase.Provider:
                break;
            case Data.Postgres.PostgresEmrDatabase.Provider:
                connectionString = configuration.GetConnectionString("Emr") is { Length: > 0 } given
                    ? given
                    : throw new StartupException("Emr:Database:Provider is 'postgres' but ConnectionStrings:Emr (ConnectionStrings__Emr) is not set");
                break;
            default:
                throw new StartupException($"Emr:Database:Provider '{provider}' is not supported; use 'sqlite' (the default) or 'postgres'");
        }

        var demoText = configuration["Emr:Demo"];
        bool demo;
        if (demoText is null)
        {
            demo = environment.IsDevelopment();
        }
        else if (!bool.TryParse(demoText, out demo))
        {
            throw new StartupException($"Emr:Demo must be true or false, not '{demoText}'");
        }

        var modulesFile = ResolveModulesFile(configuration["Emr:ModulesFile"]);
        var dataDirectory = configuration["Emr:DataDirectory"] is { Length: > 0 } data
            ? Path.GetFullPath(data)
            : Path.Combine(Path.GetDirectoryName(modulesFile)!, "data");
        var publicOrigin = Hosting.PublicOrigin.Parse(configuration[Hosting.PublicOrigin.Key]);
        return new EmrSettings(dataDirectory, modulesFile, provider, demo, publicOrigin, ForwardedHeadersSettings.From(configuration), connectionString);
    }

    /// <summary>The modules file given (made absolute), or the one found as a start finds it.</summary>
    public static string ResolveModulesFile(string? given) => given is { Length: > 0 } ? Path.GetFullPath(given) : FindModulesFile();

    /// <summary>
    /// Without --modules, the nearest modules.json in the working folder or above it: <c>dotnet run
    /// --project host/ModularEmr.Host</c> runs in the project folder, and finds the repository's file.
    /// </summary>
    private static string FindModulesFile()
    {
        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "modules.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.GetFullPath("modules.json");
    }

    /// <summary>
    /// The README's switches: <c>--data DIR</c>, <c>--modules FILE</c> and <c>--demo</c> become
    /// configuration keys; everything else (such as <c>--urls</c>) passes through.
    /// </summary>
    public static string[] NormalizeArguments(IReadOnlyList<string> args)
    {
        var result = new List<string>(args.Count);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--demo":
                    result.Add("--Emr:Demo=true");
                    break;
                case "--data" or "--modules" when i + 1 < args.Count:
                    result.Add($"--{Key(arg)}={args[++i]}");
                    break;
                case "--data" or "--modules":
                    throw new StartupException($"{arg} needs a value");
                default:
                    if (arg.StartsWith("--data=", StringComparison.Ordinal) || arg.StartsWith("--modules=", StringComparison.Ordinal))
                    {
                        var split = arg.IndexOf('=', StringComparison.Ordinal);
                        result.Add($"--{Key(arg[..split])}={arg[(split + 1)..]}");
                    }
                    else
                    {
                        result.Add(arg);
                    }

                    break;
            }
        }

        return [.. result];

        static string Key(string option) => option == "--data" ? "Emr:DataDirectory" : "Emr:ModulesFile";
    }
}
