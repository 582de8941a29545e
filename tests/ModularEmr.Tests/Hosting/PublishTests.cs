using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// <c>build/publish.sh</c> as an operator uses it: a self-contained folder that runs with no .NET on the path,
/// with the admin CLI, the three modules and the two settings a production start needs.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed class PublishTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_published_folder_runs_without_dotnet_with_its_modules_and_logs_json_when_asked()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // publish.sh and the systemd unit are for Linux hosts
        }

        var output = _folder.Combine("opt");
        var (published, log) = await RunAsync("bash", [Path.Combine(Repository.Root, "build", "publish.sh"), output, System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier], null, TimeSpan.FromMinutes(10));
        Assert.True(published == 0, log);

        var host = Path.Combine(output, "ModularEmr.Host");
        Assert.True(File.Exists(host), log);
        Assert.True(File.Exists(Path.Combine(output, "libcoreclr.so")), "the runtime is inside the folder");
        foreach (var module in new[] { "oauth2", "fhir", "rest" })
        {
            Assert.True(File.Exists(Path.Combine(output, "modules", module, "module.json")), module);
            // The host's sdk and ASP.NET Core are the only copies a module may see (a package such as
            // Microsoft.AspNetCore.OpenApi, which the host does not have, is the module's own).
            Assert.Empty(Directory.GetFiles(Path.Combine(output, "modules", module), "ModularEmr.Sdk.dll"));
            Assert.DoesNotContain(Directory.GetFiles(Path.Combine(output, "modules", module), "Microsoft.AspNetCore.*.dll"), f => File.Exists(Path.Combine(output, Path.GetFileName(f))));
        }

        Assert.True(File.Exists(Path.Combine(Repository.Root, "modules", "OAuth2", "bin", "ModularEmr.Modules.OAuth2.dll")));

        // The first administrator, through the published admin CLI.
        var data = _folder.Combine("data");
        var (added, addLog) = await RunAsync(host, ["users", "add", "admin", "--password-stdin", "--role", "System Developer", "--data", data, "--modules", Path.Combine(output, "modules.json")], "Admin-Strong-Pass-1\n", TimeSpan.FromMinutes(2));
        Assert.True(added == 0, addLog);

        var port = FreePort();
        var start = Start(host, "--urls", $"http://127.0.0.1:{port}", "--data", data, "--modules", Path.Combine(output, "modules.json"));
        start.Environment["Emr__PublicOrigin"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__Console__FormatterName"] = "json";
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    lines.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.Equal(HttpStatusCode.OK, await PollAsync(client, "/health/ready", TimeSpan.FromSeconds(60)));
            var modules = await client.GetStringAsync("/ws/modules");
            foreach (var module in new[] { "oauth2", "fhir", "rest" })
            {
                Assert.Contains($"\"id\":\"{module}\"", modules, StringComparison.Ordinal);
            }

            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/ws/fhir/Patient")).StatusCode);
            string[] logged;
            lock (lines)
            {
                logged = [.. lines];
            }

            Assert.NotEmpty(logged);
            Assert.All(logged, line => Assert.True(JsonDocument.Parse(line).RootElement.TryGetProperty("Category", out _), line));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>A process with no .NET on its path and no DOTNET_ROOT: what it needs must be in the folder.</summary>
    private static ProcessStartInfo Start(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        start.Environment.Remove("DOTNET_ROOT");
        start.Environment["DOTNET_ROOT"] = "/nonexistent";
        return start;
    }

    private static async Task<(int Exit, string Log)> RunAsync(string program, string[] args, string? input, TimeSpan timeout)
    {
        var start = program == "bash" ? new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false } : Start(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output + await error);
    }

    private static async Task<HttpStatusCode?> PollAsync(HttpClient client, string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                return (await client.GetAsync(path)).StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
