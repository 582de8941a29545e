using Microsoft.AspNetCore.Routing;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Host.Modules;

/// <summary>
/// A scope or privilege requirement means nothing without a token to check it against. The sdk's
/// <c>RequireScope</c> and <c>RequirePrivilege</c> put the bearer filter in front themselves; an endpoint
/// that carries the requirement metadata some other way (added by hand) would be open to anyone, so the
/// host refuses to start, naming it.
/// </summary>
internal static class EndpointProtection
{
    public static void Check(IEndpointRouteBuilder routes, string modulesFile)
    {
        foreach (var endpoint in routes.DataSources.SelectMany(source => source.Endpoints))
        {
            var metadata = endpoint.Metadata;
            var requiresToken = metadata.GetMetadata<RequiredScopeMetadata>() is not null || metadata.GetMetadata<RequiredPrivilegeMetadata>() is not null;
            var behindFilter = metadata.GetMetadata<RequiredBearerTokenMetadata>() is not null || metadata.GetMetadata<ImpliedBearerTokenMetadata>() is not null;
            if (requiresToken && !behindFilter)
            {
                throw new ModuleConfigurationException(
                    modulesFile,
                    metadata.GetMetadata<ModuleEndpointMetadata>()?.Module.Id,
                    $"endpoint '{endpoint.DisplayName}' requires a scope or privilege but is not behind the bearer-token filter; declare it with RequireScope/RequirePrivilege or RequireBearerToken() from the sdk");
            }
        }
    }
}
