using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Hosting;

/// <summary>The real executable, as an operator runs it.</summary>
public sealed class HostProcessTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Bad_configuration_exits_non_zero_with_one_line_and_no_stack_trace()
    {
        var modules = _folder.Write("modules.json", "{ \"modules\": [ { \"id\": \"fhir\", \"path\": \"" + Repository.ModuleFolder("modules/Fhir") + "\" } ] }");

        var (exit, output, error) = await RunHostAsync(TimeSpan.FromSeconds(60), "--modules", modules, "--data", _folder.Combine("data"), "--Emr:PublicOrigin", "https://emr.example.org");

        Assert.Equal(2, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ModularEmr cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains("module 'fhir': requires 'oauth2'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_serves_on_the_given_url_with_all_modules_and_demo_data()
    {
        var port = FreePort();
        using var process = StartHost("--urls", $"http://127.0.0.1:{port}", "--data", _folder.Combine("data"), "--modules", Path.Combine(Repository.Root, "modules.json"), "--demo", "--Emr:PublicOrigin", $"http://127.0.0.1:{port}");
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var health = await PollAsync(client, "/health", TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.OK, health);
            var modules = await client.GetStringAsync("/ws/modules");
            Assert.Contains("\"id\":\"oauth2\"", modules, StringComparison.Ordinal);
            Assert.Contains("\"id\":\"fhir\"", modules, StringComparison.Ordinal);
            Assert.Contains("\"id\":\"rest\"", modules, StringComparison.Ordinal);
            Assert.True(File.Exists(_folder.Combine("data", "emr.db")));

            // The headline request, on the real executable: Hl7.Fhir runs inside the FHIR module's own
            // load context here (no test assembly has loaded it into the default context first).
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/token")
            {
                Content = new FormUrlEncodedContent([new("grant_type", "password"), new("username", "alice"), new("password", "Alice123"), new("scope", "patient/Patient.rs launch/patient")]),
            };
            tokenRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("xyz-emr:xyz-emr-secret")));
            var token = System.Text.Json.Nodes.JsonNode.Parse(await (await client.SendAsync(tokenRequest)).Content.ReadAsStringAsync())!["access_token"]!.ToString();
            using var read = new HttpRequestMessage(HttpMethod.Get, "/ws/fhir/Patient/dda12af7-1691-11df-97a5-7038c432aabf");
            read.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var patient = await client.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, patient.StatusCode);
            Assert.Contains("\"family\":\"Smith\"", await patient.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder.Combine("data")));
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
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

    private static Process StartHost(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Repository.HostAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(int Exit, string Output, string Error)> RunHostAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Repository.HostAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output, await error);
    }
}
