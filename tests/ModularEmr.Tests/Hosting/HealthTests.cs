using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;
using Npgsql;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// Liveness and readiness through ASP.NET Core's health checks: readiness runs the database check and
/// fails with the database; liveness runs none and does not.
/// </summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Liveness_and_readiness_answer_with_each_check_and_are_never_cached()
    {
        await using var oauth = await OAuth2Harness.StartAsync();

        var live = await oauth.Client.GetAsync("/health/live");
        var ready = await oauth.Client.GetAsync("/health/ready");
        var head = await oauth.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health/ready"));
        var post = await oauth.Client.PostAsync("/health/live", null);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("healthy", (string?)(await live.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = (await ready.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("healthy", (string?)report["status"]);
        Assert.Equal("reachable", (string?)report["database"]);
        Assert.Equal("healthy", (string?)report["checks"]!["database"]);
        Assert.True(ready.Headers.CacheControl?.NoStore ?? false);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [PostgresFact]
    public async Task Readiness_fails_with_503_when_the_database_is_gone_while_liveness_still_answers()
    {
        var connectionString = await Postgres.CreateDatabaseAsync();
        await using var oauth = await OAuth2Harness.StartAsync(null, Postgres.HostArguments(connectionString));
        Assert.Equal(HttpStatusCode.OK, (await oauth.Client.GetAsync("/health/ready")).StatusCode);

        // The database is dropped under the running host (its connections are ended with it).
        await using (var server = new NpgsqlConnection(Postgres.Server))
        {
            await server.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE {new NpgsqlConnectionStringBuilder(connectionString).Database} WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync();
        }

        var ready = await oauth.Client.GetAsync("/health/ready");
        var legacy = await oauth.Client.GetAsync("/health");
        var live = await oauth.Client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var report = (await ready.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("unhealthy", (string?)report["status"]);
        Assert.Equal("unreachable", (string?)report["database"]);
        Assert.DoesNotContain("3D000", report.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, legacy.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
