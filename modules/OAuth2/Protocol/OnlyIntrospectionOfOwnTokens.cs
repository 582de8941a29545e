using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// RFC 7662 §2.1 and §4: a protected resource may learn about a token only if it is authorized to; a client asking about a token issued to another client learns nothing (it is answered as an inactive token). OpenIddict's own authorized-party check relies on audiences, which this server's access tokens do
/// not carry (they are read by this server alone), and lets any authenticated client through; here the
/// token's client must be the caller.
/// </summary>
public sealed class OnlyIntrospectionOfOwnTokens : IOpenIddictServerHandler<ValidateIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
            .UseSingletonHandler<OnlyIntrospectionOfOwnTokens>()
            .SetOrder(OpenIddictServerHandlers.Introspection.ValidateAuthorizedParty.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
    {
        if (context.GenericTokenPrincipal is { } token && !IssuedTo(token, context.ClientId))
        {
            context.Reject(Errors.InvalidToken, "The token was not issued to this client.");
        }

        return ValueTask.CompletedTask;
    }

    private static bool IssuedTo(ClaimsPrincipal token, string? clientId) =>
        !string.IsNullOrEmpty(clientId)
        && (token.GetClaim(Claims.ClientId) == clientId || token.GetPresenters().Contains(clientId, StringComparer.Ordinal) || token.GetAudiences().Contains(clientId, StringComparer.Ordinal));
}
