using ModularEmr.Sdk.Security;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// RFC 6749 §3.3: a request may name only scopes this server offers — those the installed modules
/// declared. Anything else is <c>invalid_scope</c> (§4.1.2.1 at the authorization endpoint, §5.2 at the
/// token endpoint). Whether the client may use an offered scope is OpenIddict's scope-permission check.
/// </summary>
public static class ScopeRules
{
    public static OpenIddictServerHandlerDescriptor ForAuthorization { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<OfferedScopesOnAuthorization>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateScopeParameter.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public static OpenIddictServerHandlerDescriptor ForToken { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<OfferedScopesOnToken>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateScopeParameter.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    internal static async ValueTask<string?> FirstUnofferedAsync(IScopeCatalog catalog, IEnumerable<string> requested, CancellationToken cancellationToken)
    {
        var offered = (await catalog.ListAsync(cancellationToken)).Select(s => s.Scope.Name).ToHashSet(StringComparer.Ordinal);
        return requested.FirstOrDefault(scope => !offered.Contains(scope));
    }

    /// <summary>Refuses an authorization request naming a scope no module offers.</summary>
    public sealed class OfferedScopesOnAuthorization(IScopeCatalog catalog) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
    {
        public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
        {
            if (await FirstUnofferedAsync(catalog, context.Request.GetScopes(), context.CancellationToken) is { } unknown)
            {
                context.Reject(Errors.InvalidScope, $"The scope '{unknown}' is not offered by this server.");
            }
        }
    }

    /// <summary>Refuses a token request naming a scope no module offers.</summary>
    public sealed class OfferedScopesOnToken(IScopeCatalog catalog) : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public async ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            if (await FirstUnofferedAsync(catalog, context.Request.GetScopes(), context.CancellationToken) is { } unknown)
            {
                context.Reject(Errors.InvalidScope, $"The scope '{unknown}' is not offered by this server.");
            }
        }
    }
}
