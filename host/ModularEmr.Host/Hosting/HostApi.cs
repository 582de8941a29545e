using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Host.Modules;

namespace ModularEmr.Host.Hosting;

/// <summary>The host's own endpoints: <c>/health</c> and <c>/ws/modules</c>.</summary>
internal static class HostApi
{
    public static IEndpointRouteBuilder MapHostApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", GetHealthAsync);
        endpoints.MapGet("/ws/modules", GetModulesAsync);
        return endpoints;
    }

    private static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> GetHealthAsync(CoreDbContext db, CancellationToken cancellationToken)
    {
        var reachable = await db.Database.CanConnectAsync(cancellationToken);
        return reachable
            ? TypedResults.Ok(new HealthReport("healthy", "reachable"))
            : TypedResults.Json(new HealthReport("unhealthy", "unreachable"), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Ok<ModulesReport>> GetModulesAsync(ModuleRegistry registry, CoreDbContext db, CancellationToken cancellationToken)
    {
        var modules = await registry.DescribeAsync(db, cancellationToken);
        return TypedResults.Ok(new ModulesReport(modules.Select(m => new ModuleReport(m.Id, m.Name, m.Version, m.State)).ToList()));
    }

    internal sealed record HealthReport(string Status, string Database);

    internal sealed record ModulesReport(IReadOnlyList<ModuleReport> Modules);

    internal sealed record ModuleReport(string Id, string Name, string? Version, string State);
}
