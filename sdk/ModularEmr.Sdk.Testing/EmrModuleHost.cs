using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModularEmr.Sdk.Testing;

/// <summary>
/// The real ModularEmr host, in a process of its own, with your module beside the shipped ones (OAuth2, FHIR,
/// REST) on a temporary SQLite file and the demo data (<see cref="DemoAccounts"/>): your install hook, your
/// migrations, the bearer filter and the consent rules run as they will for an operator. Start one per test
/// class (an xUnit class fixture), and dispose of it: the process stops and its folder is deleted.
/// </summary>
public sealed class EmrModuleHost : IAsyncDisposable
{
    private const string HostKey = "ModularEmr.Sdk.Testing.Host";
    private const string ModulesKey = "ModularEmr.Sdk.Testing.Modules";
    private const string ProjectKey = "ModularEmr.Sdk.Testing.ProjectDirectory";

    private readonly Process _process;
    private readonly string _folder;
    private readonly ConcurrentQueue<string> _output;
    private readonly HttpClient _client;
    private int _disposed;

    private EmrModuleHost(Process process, string folder, ConcurrentQueue<string> output, Uri baseAddress)
    {
        _process = process;
        _folder = folder;
        _output = output;
        BaseAddress = baseAddress;
        _client = new HttpClient { BaseAddress = baseAddress };
    }

    /// <summary>Where the host listens (<c>http://127.0.0.1:{port}</c>), also its public origin.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The host's data folder, holding its database (<see cref="DatabaseFile"/>) and keys.</summary>
    public string DataFolder => Path.Combine(_folder, "data");

    /// <summary>The SQLite database, to look at what your module stored.</summary>
    public string DatabaseFile => Path.Combine(DataFolder, "emr.db");

    /// <summary>What the host wrote to its console so far, one line each.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>Starts the host and returns once it answers <c>/health/ready</c>.</summary>
    /// <exception cref="EmrModuleHostException">The host is not found, stopped (its output says why), or did not get ready in time.</exception>
    public static async Task<EmrModuleHost> StartAsync(EmrModuleHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var host = Full(options.HostAssembly ?? Metadata(HostKey), "the host")!;
        var shipped = Full(options.ShippedModulesFile ?? Metadata(ModulesKey), "the shipped modules file")!;
        var modules = ModulesFile(shipped, options);

        // A port is chosen free and then given to the host, which another process may take in between: the host
        // then stops, saying the address is in use, and a start on another port is tried.
        for (var attempt = 1; ; attempt++)
        {
            var started = await StartOnceAsync(host, modules, cancellationToken);
            try
            {
                await started.WaitUntilReadyAsync(options.StartTimeout, cancellationToken);
                return started;
            }
            catch (EmrModuleHostException) when (attempt < 3 && started.Output.Any(line => line.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
            {
                await started.DisposeAsync();
            }
            catch
            {
                await started.DisposeAsync();
                throw;
            }
        }
    }

    private static async Task<EmrModuleHost> StartOnceAsync(string host, string modules, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "emr-module-host", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var modulesFile = Path.Combine(folder, "modules.json");
            await File.WriteAllTextAsync(modulesFile, modules, cancellationToken);
            var origin = new Uri($"http://127.0.0.1:{FreePort()}");
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { host, "--urls", origin.ToString().TrimEnd('/'), "--data", Path.Combine(folder, "data"), "--modules", modulesFile, "--demo" })
            {
                start.ArgumentList.Add(arg);
            }

            // As an operator runs it (Production, its public origin given), with the demo data a test needs.
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["DOTNET_ENVIRONMENT"] = "Production";
            start.Environment["Emr__PublicOrigin"] = origin.ToString().TrimEnd('/');

            var output = new ConcurrentQueue<string>();
            var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, line) => Keep(output, line.Data);
            process.ErrorDataReceived += (_, line) => Keep(output, line.Data);
            try
            {
                process.Start();
            }
            catch (System.ComponentModel.Win32Exception notStarted)
            {
                process.Dispose();
                throw new EmrModuleHostException($"'{start.FileName}' could not be started to run the host: {notStarted.Message}");
            }

            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new EmrModuleHost(process, folder, output, origin);
        }
        catch
        {
            DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>A client for the host, with <see cref="BaseAddress"/> set and no token.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>
    /// An access token for <paramref name="username"/> (the password grant of the demo client) with
    /// <paramref name="scope"/>, space-separated; add <c>launch/patient</c> for Alice's patient in context.
    /// </summary>
    /// <exception cref="EmrModuleHostException">The token endpoint refused; the message holds its OAuth error.</exception>
    public Task<string> TokenAsync(string scope, string username = DemoAccounts.Admin, string password = DemoAccounts.AdminPassword, CancellationToken cancellationToken = default) =>
        RequestTokenAsync([new("grant_type", "password"), new("username", username), new("password", password), new("scope", scope)], cancellationToken);

    /// <summary>An access token for the demo client acting for itself (client credentials), for <c>system/</c> scopes.</summary>
    /// <exception cref="EmrModuleHostException">The token endpoint refused; the message holds its OAuth error.</exception>
    public Task<string> SystemTokenAsync(string scope, CancellationToken cancellationToken = default) =>
        RequestTokenAsync([new("grant_type", "client_credentials"), new("scope", scope)], cancellationToken);

    /// <summary>Stops the host (the whole process tree) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        DeleteFolder(_folder);
    }

    /// <summary>Deletes a host's folder; what cannot be deleted (a file still held) is left to the temp folder's cleaning.</summary>
    private static void DeleteFolder(string folder)
    {
        for (var attempt = 0; attempt < 5 && Directory.Exists(folder); attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(200);
            }
        }
    }

    private async Task<string> RequestTokenAsync(IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DemoAccounts.Client}:{DemoAccounts.ClientSecret}")));
        using var response = await _client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || JsonNode.Parse(body)?["access_token"]?.GetValue<string>() is not { } token)
        {
            throw new EmrModuleHostException($"The token endpoint answered {(int)response.StatusCode}: {body}");
        }

        return token;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(CancellationToken.None);
                throw new EmrModuleHostException($"The host stopped with exit code {_process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
            }

            try
            {
                using var ready = await _client.GetAsync(new Uri("/health/ready", UriKind.Relative), limit.Token);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(200, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        throw new EmrModuleHostException($"The host was not ready within {timeout}:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
    }

    /// <summary>The shipped modules, by absolute path, and the author's.</summary>
    private static string ModulesFile(string shipped, EmrModuleHostOptions options)
    {
        var shippedFolder = Path.GetDirectoryName(shipped)!;
        var modules = new JsonArray();
        foreach (var entry in JsonNode.Parse(File.ReadAllText(shipped), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!["modules"]!.AsArray())
        {
            var id = entry!["id"]!.GetValue<string>();
            var module = new JsonObject
            {
                ["id"] = id,
                ["path"] = Path.GetFullPath(Path.Combine(shippedFolder, entry["path"]!.GetValue<string>())),
                ["enabled"] = entry["enabled"]?.GetValue<bool>() ?? true,
            };

            // Tests take tokens through the password grant far faster than a person signs in, which its
            // throttle (10 a minute per client and address) would refuse.
            if (id == "oauth2")
            {
                module["settings"] = new JsonObject { ["PasswordAttemptsPerWindow"] = 10_000 };
            }

            modules.Add(module);
        }

        foreach (var (folder, index) in options.OtherModuleFolders.Prepend(options.ModuleFolder).Select((f, i) => (f, i)))
        {
            var path = Full(folder, "the module folder", fromProject: true)!;
            var manifest = Path.Combine(path, "module.json");
            if (!File.Exists(manifest))
            {
                throw new EmrModuleHostException($"No module.json in {path}: ModuleFolder is your module's folder, relative to your test project's.");
            }

            var module = new JsonObject
            {
                ["id"] = JsonNode.Parse(File.ReadAllText(manifest))!["id"]!.GetValue<string>(),
                ["path"] = path,
                ["enabled"] = true,
            };
            if (index == 0 && options.Settings is { } settings)
            {
                module["settings"] = JsonSerializer.SerializeToNode(settings);
            }

            modules.Add(module);
        }

        return new JsonObject { ["modules"] = modules }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>A path made absolute: from the test project's folder, or as given.</summary>
    private static string? Full(string? path, string what, bool fromProject = false)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new EmrModuleHostException($"Where {what} is was not given: reference the ModularEmr.Sdk.Testing package (its build file says), or set it in EmrModuleHostOptions.");
        }

        var full = fromProject && !Path.IsPathRooted(path) && Metadata(ProjectKey) is { } project ? Path.GetFullPath(Path.Combine(project, path)) : Path.GetFullPath(path);
        if (!fromProject && !File.Exists(full))
        {
            throw new EmrModuleHostException($"{what} is not at {full}.");
        }

        return full;
    }

    /// <summary>A value the kit's build file wrote into the test assembly.</summary>
    private static string? Metadata(string key) => AppDomain.CurrentDomain.GetAssemblies()
        .Where(a => !a.IsDynamic)
        .SelectMany(a => a.GetCustomAttributes<AssemblyMetadataAttribute>())
        .FirstOrDefault(m => m.Key == key)?.Value;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }
}
