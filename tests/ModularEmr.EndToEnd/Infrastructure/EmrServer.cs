using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>
/// The built host executable, started as the README starts it (Development environment: demo data,
/// the repository's modules.json), on a free loopback port with a fresh data folder.
/// </summary>
internal sealed class EmrServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private EmrServer(Process process, ConcurrentQueue<string> output, Uri baseAddress, string folder)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
        Folder = folder;
    }

    public Uri BaseAddress { get; }

    /// <summary>The temp folder holding the data folder; removed on dispose.</summary>
    public string Folder { get; }

    public string DataDirectory => Path.Combine(Folder, "data");

    public static string ModulesFile => Path.Combine(Repository.Root, "modules.json");

    /// <summary>The last lines the host wrote, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _output.TakeLast(40));

    public static async Task<EmrServer> StartAsync()
    {
        if (!File.Exists(Repository.HostAssembly))
        {
            throw new InvalidOperationException($"The host is not built: {Repository.HostAssembly} is missing. Run 'dotnet build ModularEmr.sln' first.");
        }

        var folder = Path.Combine(Path.GetTempPath(), "modularemr-e2e", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var output = new ConcurrentQueue<string>();
        var process = Launch(output, ["--urls", baseAddress.GetLeftPart(UriPartial.Authority), "--data", Path.Combine(folder, "data"), "--modules", ModulesFile]);
        var server = new EmrServer(process, output, baseAddress, folder);
        try
        {
            await server.WaitUntilHealthyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs an admin command (<c>users add …</c>) on the same executable and data, as an operator would.</summary>
    public async Task<string> AdminAsync(string? standardInput, params string[] args)
    {
        var output = new ConcurrentQueue<string>();
        using var process = Launch(output, [.. args, "--data", DataDirectory, "--modules", ModulesFile], redirectInput: true);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteLineAsync(standardInput);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await process.WaitForExitAsync(timeout.Token);
        var text = string.Join('\n', output);
        return process.ExitCode == 0
            ? text
            : throw new InvalidOperationException($"The admin command '{string.Join(' ', args)}' exited with {process.ExitCode}:\n{text}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS.
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {_process.ExitCode} before answering /health:\n{RecentOutput}");
            }

            try
            {
                if ((await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The host did not answer /health within {StartTimeout.TotalSeconds} s:\n{RecentOutput}");
    }

    private static Process Launch(ConcurrentQueue<string> output, IEnumerable<string> args, bool redirectInput = false)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        start.ArgumentList.Add(Repository.HostAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // What 'dotnet run' sets from launchSettings.json; quieter logs keep failure output readable.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Keep(output, line.Data);
        process.ErrorDataReceived += (_, line) => Keep(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 500 && output.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
