using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Host.Hosting.Authorization;

/// <summary>
/// Meets a <see cref="PrivilegeRequirement"/> for the user a session names, read again from the database:
/// the session carries only the user's uuid, so a privilege taken away or a user retired counts at once.
/// </summary>
internal sealed class PrivilegeAuthorizationHandler(IUserAccounts accounts) : AuthorizationHandler<PrivilegeRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PrivilegeRequirement requirement)
    {
        if (!Guid.TryParse(context.User.FindFirstValue(EmrClaimTypes.Subject), out var uuid))
        {
            return;
        }

        var cancellationToken = (context.Resource as HttpContext)?.RequestAborted ?? CancellationToken.None;
        if (await accounts.FindByUuidAsync(uuid, cancellationToken) is { Retired: false } user && user.HasPrivilege(requirement.Privilege))
        {
            context.Succeed(requirement);
        }
    }
}
