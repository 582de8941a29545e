using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// RFC 7009 §2.1: the server verifies that the token was issued to the client asking to revoke it; otherwise the request is refused and the token stays valid. OpenIddict's own authorized-party check relies on audiences, which this server's access tokens do
/// not carry (they are read by this server alone), and lets any authenticated client through; here the
/// token's client must be the caller.
/// </summary>
public sealed class OnlyRevocationOfOwnTokens : IOpenIddictServerHandler<ValidateRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateRevocationRequestContext>()
            .UseSingletonHandler<OnlyRevocationOfOwnTokens>()
            .SetOrder(OpenIddictServerHandlers.Revocation.ValidateAuthorizedParty.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateRevocationRequestContext context)
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
