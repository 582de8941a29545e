using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModularEmr.Host.Hosting;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>
/// The real host, built by the same code as <c>dotnet run</c>, on a real SQLite file in a temp data
/// folder, loading real plugin assemblies from a modules.json; served in memory.
/// </summary>
internal sealed class EmrTestHost : IAsyncDisposable
{
    private EmrTestHost(WebApplication app, CapturedLogs logs, string dataDirectory, string modulesFile)
    {
        App = app;
        Logs = logs;
        DataDirectory = dataDirectory;
        ModulesFile = modulesFile;
        var settings = app.Services.GetRequiredService<EmrSettings>();
        DatabaseFile = settings.ConnectionString is { } connectionString ? Database.PostgresPrefix + connectionString : settings.DatabaseFile;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> PostgresDatabases = new(StringComparer.Ordinal);

    public WebApplication App { get; }

    public CapturedLogs Logs { get; }

    public string DataDirectory { get; }

    public string ModulesFile { get; }

    /// <summary>The SQLite file, or (on PostgreSQL) its connection string behind <see cref="Database.PostgresPrefix"/>: what <see cref="Database"/> reads.</summary>
    public string DatabaseFile { get; }

    public static async Task<EmrTestHost> StartAsync(
        string dataDirectory,
        string modulesFile,
        string environment = "Development",
        Action<IServiceCollection>? overrideServices = null,
        params string[] extraArgs)
    {
        var logs = new CapturedLogs();
        var app = await BuildAsync(dataDirectory, modulesFile, environment, logs, overrideServices, extraArgs);
        await app.StartAsync();
        return new EmrTestHost(app, logs, dataDirectory, modulesFile);
    }

    /// <summary>
    /// Builds without starting: what a failed start throws surfaces here. With <c>EMR_TEST_PROVIDER=postgres</c>,
    /// a host not given a provider runs on a new PostgreSQL database (<see cref="Postgres"/>).
    /// </summary>
    public static async Task<WebApplication> BuildAsync(
        string dataDirectory,
        string modulesFile,
        string environment = "Development",
        CapturedLogs? logs = null,
        Action<IServiceCollection>? overrideServices = null,
        params string[] extraArgs)
    {
        if (Postgres.RunsEverything && !extraArgs.Any(a => a.StartsWith("--Emr:Database:Provider", StringComparison.Ordinal)))
        {
            // A host started again on the same data folder finds the same database, as after a restart.
            if (!PostgresDatabases.TryGetValue(dataDirectory, out var database))
            {
                database = await Postgres.CreateDatabaseAsync();
                PostgresDatabases[dataDirectory] = database;
            }

            extraArgs = [.. extraArgs, .. Postgres.HostArguments(database)];
        }

        return await EmrHost.BuildAsync(
            ["--data", dataDirectory, "--modules", modulesFile, "--environment", environment, .. extraArgs],
            HostPurpose.Serve,
            new HostCustomization(
                Builder: builder =>
                {
                    builder.WebHost.UseTestServer();
                    builder.Logging.SetMinimumLevel(LogLevel.Trace);
                    if (logs is not null)
                    {
                        builder.Logging.AddProvider(logs);
                    }
                },
                Services: overrideServices));
    }

    public HttpClient CreateClient() => App.GetTestClient();

    /// <summary>A client that keeps cookies, as a browser does.</summary>
    public (HttpClient Client, CookieHandler Cookies) CreateBrowser()
    {
        var cookies = new CookieHandler(App.GetTestServer().CreateHandler());
        return (new HttpClient(cookies) { BaseAddress = new Uri("http://localhost") }, cookies);
    }

    /// <summary>The OAuth2 module's stored key <paramref name="name"/>: its file, or its row when the database holds the keys.</summary>
    public async Task<string?> ReadKeyAsync(string name)
    {
        if (DatabaseFile.StartsWith(Database.PostgresPrefix, StringComparison.Ordinal))
        {
            return (await Database.QueryAsync(DatabaseFile, "SELECT value FROM module_key WHERE module_id = 'oauth2' AND name = $name", ("$name", name))).SingleOrDefault();
        }

        var file = Path.Combine(DataDirectory, "keys", "oauth2", name);
        return File.Exists(file) ? await File.ReadAllTextAsync(file) : null;
    }

    /// <summary>
    /// Runs an administration command on this host's data, as an operator would beside the running server
    /// (same data folder, modules file and database).
    /// </summary>
    public Task<(int Exit, string Output, string Error)> RunCliAsync(params string[] args) => RunCliAsync(optionsFirst: false, args);

    /// <summary>As <see cref="RunCliAsync(string[])"/>; with <paramref name="optionsFirst"/>, the data, modules and database options come before the command words.</summary>
    public async Task<(int Exit, string Output, string Error)> RunCliAsync(bool optionsFirst, params string[] args)
    {
        string[] database = DatabaseFile.StartsWith(Database.PostgresPrefix, StringComparison.Ordinal)
            ? Postgres.HostArguments(DatabaseFile[Database.PostgresPrefix.Length..])
            : [];
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] options = ["--data", DataDirectory, "--modules", ModulesFile, .. database];
        var exit = await EmrProgram.RunAsync(optionsFirst ? [.. options, .. args] : [.. args, .. options], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public AsyncServiceScope CreateScope() => App.Services.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
    }
}
