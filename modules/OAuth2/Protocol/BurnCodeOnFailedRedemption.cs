using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// RFC 9700 §2.1.1 and §4.5: PKCE binds a code to the client instance that holds the verifier. OpenIddict
/// refuses a redemption with a wrong or missing verifier (or another client, or another redirect URI)
/// but leaves the code valid, so whoever holds a stolen code could keep guessing, and the code could still
/// be redeemed afterwards. RFC 9700 leaves open whether a code survives a failed redemption; the stricter
/// choice is taken here: once the code itself was read and the redemption was refused, its entry is
/// revoked, and the next redemption (even a correct one) is <c>invalid_grant</c>.
/// </summary>
public sealed class BurnCodeOnFailedRedemption(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<ProcessErrorContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessErrorContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireTokenRequest>()
            .UseScopedHandler<BurnCodeOnFailedRedemption>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ApplyTokenResponse<ProcessErrorContext>.Descriptor.Order - 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessErrorContext context)
    {
        // OpenIddict keeps the validation of the token request in the transaction, refused or not.
        if (context.Transaction.Properties.TryGetValue(typeof(ValidateTokenRequestContext).FullName!, out var property)
            && property is ValidateTokenRequestContext { IsRejected: true } validation
            && validation.Request.IsAuthorizationCodeGrantType()
            && validation.AuthorizationCodePrincipal?.GetTokenId() is { } id
            && await tokens.FindByIdAsync(id, context.CancellationToken) is { } code)
        {
            await tokens.TryRevokeAsync(code, context.CancellationToken);
        }
    }
}
