using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Host.Modules;

namespace ModularEmr.Host.Hosting;

/// <summary>The host's own endpoint <c>/ws/modules</c> (health: <see cref="Health.HealthApi"/>).</summary>
internal static class HostApi
{
    public static IEndpointRouteBuilder MapHostApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/ws/modules", GetModulesAsync);
        return endpoints;
    }

    private static async Task<Ok<ModulesReport>> GetModulesAsync(ModuleRegistry registry, CoreDbContext db, CancellationToken cancellationToken)
    {
        var modules = await registry.DescribeAsync(db, cancellationToken);
        return TypedResults.Ok(new ModulesReport(modules.Select(m => new ModuleReport(m.Id, m.Name, m.Version, m.State)).ToList()));
    }

    internal sealed record ModulesReport(IReadOnlyList<ModuleReport> Modules);

    internal sealed record ModuleReport(string Id, string Name, string? Version, string State);
}
