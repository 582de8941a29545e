using Microsoft.AspNetCore.Authorization;

namespace ModularEmr.Host.Hosting.Authorization;

/// <summary>The signed-in user must hold <paramref name="Privilege"/> (System Developers hold every one).</summary>
internal sealed record PrivilegeRequirement(string Privilege) : IAuthorizationRequirement;
