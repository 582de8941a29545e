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
    }

    public WebApplication App { get; }

    public CapturedLogs Logs { get; }

    public string DataDirectory { get; }

    public string ModulesFile { get; }

    public string DatabaseFile => Path.Combine(DataDirectory, "emr.db");

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

    /// <summary>Builds without starting: what a failed start throws surfaces here.</summary>
    public static Task<WebApplication> BuildAsync(
        string dataDirectory,
        string modulesFile,
        string environment = "Development",
        CapturedLogs? logs = null,
        Action<IServiceCollection>? overrideServices = null,
        params string[] extraArgs) =>
        EmrHost.BuildAsync(
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

    public HttpClient CreateClient() => App.GetTestClient();

    /// <summary>A client that keeps cookies, as a browser does.</summary>
    public (HttpClient Client, CookieHandler Cookies) CreateBrowser()
    {
        var cookies = new CookieHandler(App.GetTestServer().CreateHandler());
        return (new HttpClient(cookies) { BaseAddress = new Uri("http://localhost") }, cookies);
    }

    public AsyncServiceScope CreateScope() => App.Services.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
