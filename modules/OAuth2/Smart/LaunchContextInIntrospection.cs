using ModularEmr.Modules.OAuth2.Protocol;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// SMART App Launch 2.2 §"Token Introspection": an active access token is described with its
/// <c>scope</c>, and, when it carries them, <c>patient</c> and <c>fhirUser</c>. OpenIddict returns a token's
/// own claims only to a caller named in its audience, and this server's tokens name none (it alone reads
/// them); <see cref="OnlyIntrospectionOfOwnTokens"/> has already limited the caller to the token's own
/// client, which was given these values with the token.
/// </summary>
public sealed class LaunchContextInIntrospection : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleIntrospectionRequestContext>()
            .UseSingletonHandler<LaunchContextInIntrospection>()
            .SetOrder(OpenIddictServerHandlers.Introspection.AttachApplicationClaims.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleIntrospectionRequestContext context)
    {
        if (context.GenericTokenPrincipal is not { } token)
        {
            return ValueTask.CompletedTask;
        }

        context.Scopes.UnionWith(token.GetScopes());
        if (!token.HasTokenType(TokenTypeIdentifiers.AccessToken))
        {
            return ValueTask.CompletedTask;
        }

        context.Username ??= token.GetClaim(Claims.PreferredUsername);
        foreach (var claim in (ReadOnlySpan<string>)[EmrClaims.Patient, EmrClaims.FhirUser])
        {
            if (token.GetClaim(claim) is { Length: > 0 } value)
            {
                context.Claims[claim] = value;
            }
        }

        return ValueTask.CompletedTask;
    }
}
