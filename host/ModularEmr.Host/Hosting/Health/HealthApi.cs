using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ModularEmr.Host.Hosting.Health;

/// <summary>
/// The health endpoints, served by ASP.NET Core's health checks:
/// <list type="bullet">
/// <item><c>/health/live</c>: liveness, no check run; the process answers, so a supervisor need not restart it.</item>
/// <item><c>/health/ready</c>: readiness, every check tagged <see cref="Ready"/> (the database, and any a module
/// adds with that tag); 503 when one fails, so a load balancer stops sending requests here.</item>
/// <item><c>/health</c>: readiness too, the address the README, the benchmarks and existing monitors use.</item>
/// </list>
/// Answers are JSON, never cached, and name each check and its status without an exception's text.
/// </summary>
internal static class HealthApi
{
    /// <summary>The tag of the checks readiness runs.</summary>
    public const string Ready = "ready";

    /// <summary>The core database check's name.</summary>
    public const string Database = "database";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        var ready = new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteAsync };
        Get(endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }));
        Get(endpoints.MapHealthChecks("/health/ready", ready));
        Get(endpoints.MapHealthChecks("/health", ready));
        return endpoints;
    }

    /// <summary>Health checks map every method; these answer GET and HEAD, and 405 otherwise.</summary>
    private static void Get(IEndpointConventionBuilder endpoint) => endpoint.WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));

    /// <summary>
    /// <c>{"status":"healthy","database":"reachable","checks":{"database":"healthy"}}</c>: the overall status,
    /// the database's reachability (the field monitors read before these were health checks), and each check.
    /// </summary>
    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new Dictionary<string, object>
        {
            ["status"] = Name(report.Status),
            ["checks"] = report.Entries.ToDictionary(entry => entry.Key, entry => Name(entry.Value.Status)),
        };
        if (report.Entries.TryGetValue(Database, out var database))
        {
            body["database"] = database.Status == HealthStatus.Healthy ? "reachable" : "unreachable";
        }

        return JsonSerializer.SerializeAsync(http.Response.Body, body, cancellationToken: http.RequestAborted);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
