using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// Host instances on one PostgreSQL database starting together and dying: each module is installed once
/// whoever starts first, and an instance killed in the middle of writes loses nothing it acknowledged
/// while the others keep answering.
/// </summary>
public sealed class SharedDatabaseStartupTests
{
    private const string Alice = FhirHarness.AliceId;

    [PostgresFact]
    public async Task Two_hosts_starting_together_on_an_empty_database_install_each_module_exactly_once()
    {
        var arguments = Postgres.HostArguments(await Postgres.CreateDatabaseAsync());
        var starting = new[] { OAuth2Harness.StartAsync(null, arguments), OAuth2Harness.StartAsync(null, arguments) };
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(s => s.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }

        await using var a = starting[0].Result;
        await using var b = starting[1].Result;
        var database = a.Host.DatabaseFile;
        var modules = await Database.QueryAsync(database, "SELECT module_id FROM module_state ORDER BY module_id");
        Assert.Equal(["fhir", "oauth2", "probe", "rest"], modules);

        // Each install ran on one host only: its log line appears once across both.
        var logs = a.Host.Logs.All + "\n" + b.Host.Logs.All;
        foreach (var module in modules)
        {
            Assert.Equal(1, Occurrences(logs, $"Module {module} installed at version"));
        }

        Assert.Equal(["1"], await Database.QueryAsync(database, "SELECT count(*) FROM role WHERE name = 'Client Developer'"));
        Assert.Equal(["1"], await Database.QueryAsync(database, "SELECT count(*) FROM users WHERE username = 'alice'"));
        Assert.Equal(["1"], await Database.QueryAsync(database, "SELECT count(*) FROM oauth2_application WHERE \"ClientId\" = 'xyz-emr'"));
        Assert.Equal(["1"], await Database.QueryAsync(database, "SELECT count(DISTINCT value) FROM module_key WHERE module_id = 'oauth2' AND name = 'signing.pem'"));

        // And both serve: a token from one is good at the other.
        var token = await a.TokenAsync("alice", "Alice123", "patient/Patient.rs launch/patient");
        Assert.Equal(HttpStatusCode.OK, (await b.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token)).StatusCode);
    }

    [PostgresFact]
    public async Task A_host_killed_during_concurrent_writes_loses_no_acknowledged_write_and_the_other_keeps_answering()
    {
        var connectionString = await Postgres.CreateDatabaseAsync();
        await using var b = await OAuth2Harness.StartAsync(null, Postgres.HostArguments(connectionString));
        using var folder = new TestFolder();
        var port = FreePort();
        using var a = StartProcess(port, folder.Combine("data"), b.Host.ModulesFile, connectionString);
        using var atA = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            Assert.True(await WaitUntilHealthyAsync(atA, TimeSpan.FromSeconds(60)), "host A did not start");
            var token = await b.TokenAsync("alice", "Alice123", "rest.read rest.write");

            var acknowledged = new ConcurrentBag<string>();
            var answersOfB = new ConcurrentBag<HttpStatusCode>();
            var killed = new TaskCompletionSource();
            var written = 0;
            async Task WriteAsync(int writer)
            {
                for (var i = 0; ; i++)
                {
                    var family = $"Crash-{writer}-{i}";
                    var throughA = (writer + i) % 2 == 0 && !killed.Task.IsCompleted;
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name") { Content = JsonContent.Create(new { givenName = "Kill", familyName = family }) };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    try
                    {
                        using var response = await (throughA ? atA : b.Client).SendAsync(request);
                        if (!throughA)
                        {
                            answersOfB.Add(response.StatusCode);
                        }

                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged.Add(family);
                        }
                    }
                    catch (HttpRequestException) when (throughA)
                    {
                        // A died under this request: it was never acknowledged.
                    }

                    if (Interlocked.Increment(ref written) >= 60 && killed.Task.IsCompleted && i >= 20)
                    {
                        return;
                    }
                }
            }

            var writers = Enumerable.Range(0, 6).Select(WriteAsync).ToArray();
            while (Volatile.Read(ref written) < 30)
            {
                await Task.Delay(20);
            }

            a.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush
            await a.WaitForExitAsync();
            killed.SetResult();
            await Task.WhenAll(writers);

            Assert.All(answersOfB, status => Assert.Equal(HttpStatusCode.Created, status));
            Assert.Equal(HttpStatusCode.OK, (await b.SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}", token)).StatusCode);
            var stored = (await Database.QueryAsync(b.Host.DatabaseFile, "SELECT family_name FROM person_name WHERE family_name LIKE 'Crash-%'")).ToHashSet(StringComparer.Ordinal);
            Assert.NotEmpty(acknowledged);
            Assert.All(acknowledged, family => Assert.Contains(family, stored));
            Assert.Equal(["1"], await Database.QueryAsync(b.Host.DatabaseFile, "SELECT count(*) FROM person_name n JOIN person p ON p.id = n.person_id WHERE p.uuid = @p AND n.preferred = TRUE AND n.voided = FALSE", ("@p", Alice)));
        }
        finally
        {
            if (!a.HasExited)
            {
                a.Kill(entireProcessTree: true);
                await a.WaitForExitAsync();
            }
        }
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static Process StartProcess(int port, string dataDirectory, string modulesFile, string connectionString)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Repository.HostAssembly, "--urls", $"http://127.0.0.1:{port}", "--data", dataDirectory, "--modules", modulesFile })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Emr__Database__Provider"] = "postgres";
        start.Environment["ConnectionStrings__Emr"] = connectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> WaitUntilHealthyAsync(HttpClient client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await client.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
