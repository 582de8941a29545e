using Microsoft.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using ModularEmr.Modules.OAuth2.Clients;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Modules;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// SMART Backend Services §"Authenticating to the token endpoint" fixes the assertion's header to
/// <c>typ: JWT</c>, and RFC 7523 §3 asks for no particular type; OpenIddict 7 accepts only the explicit
/// <c>client-authentication+jwt</c> of draft-ietf-oauth-rfc7523bis (which has since made it a SHOULD),
/// so every conforming SMART client would be refused; it also expects <c>aud</c> to be the issuer where
/// SMART names the token endpoint. Both are accepted for client assertions alone; every other check
/// (signature by a registered key, <c>iss</c>, <c>sub</c>, lifetime) still applies.
/// </summary>
public sealed class AcceptSmartClientAssertions : IOpenIddictServerHandler<ValidateTokenContext>
{
    /// <summary>Before the token is read: the generic type joins the explicit ones as a valid <c>typ</c>.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<AcceptSmartClientAssertions>()
            .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>
    /// After it is read: OpenIddict takes a <c>JWT</c>-typed token for an identity token; where only a client
    /// assertion is expected (and its signature was checked against the client's own keys) it is one.
    /// </summary>
    public static OpenIddictServerHandlerDescriptor TypeDescriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<AcceptSmartClientAssertions>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.ValidTokenTypes is not { Count: 1 } types || !types.Contains(TokenTypeIdentifiers.Private.ClientAssertion))
        {
            return ValueTask.CompletedTask;
        }

        if (context.Principal is null)
        {
            context.TokenValidationParameters.ValidTypes = [.. context.TokenValidationParameters.ValidTypes ?? [], JwtConstants.HeaderType];
            // What discovery advertises, and nothing else: no RS256 with a key registered for RS384.
            context.TokenValidationParameters.ValidAlgorithms = ClientKeys.Algorithms;
            // SMART Backend Services: aud is the token endpoint's URL (OpenID Connect Core §9 says the same);
            // OpenIddict 7 expects the issuer (draft-ietf-oauth-rfc7523bis), which stays accepted too.
            if (context.Transaction.GetHttpRequest() is { } request)
            {
                var origin = request.HttpContext.RequestServices.GetRequiredService<IPublicOrigin>().For(request);
                context.ValidAudiences.UnionWith([origin + OAuth2ServerRegistration.TokenUri, origin + OAuth2ServerRegistration.AccessTokenUri]);
            }
        }
        else if (context.Principal.HasTokenType(TokenTypeIdentifiers.IdentityToken))
        {
            context.Principal.SetTokenType(TokenTypeIdentifiers.Private.ClientAssertion);
        }

        return ValueTask.CompletedTask;
    }
}
