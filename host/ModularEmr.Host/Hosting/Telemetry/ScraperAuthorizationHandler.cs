using Microsoft.AspNetCore.Authorization;
using ModularEmr.Host.Hosting.Authorization;

namespace ModularEmr.Host.Hosting.Telemetry;

/// <summary>A scraper with the configured token holds <see cref="MetricsAccess.ViewMetrics"/>, and no other privilege.</summary>
internal sealed class ScraperAuthorizationHandler : AuthorizationHandler<PrivilegeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PrivilegeRequirement requirement)
    {
        if (requirement.Privilege == MetricsAccess.ViewMetrics && context.User.HasClaim(c => c.Type == ScrapeTokenHandler.ScraperClaim))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
