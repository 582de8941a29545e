using Microsoft.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Sdk.Modules;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// SMART App Launch 2.2 §"Authorization request": <c>aud</c> names the FHIR server the app will send the
/// token to, and the server must refuse one it does not serve, or a counterfeit resource server could
/// collect real tokens. Runs once the redirect URI is known to be the client's, so the refusal goes back
/// to the client as <c>invalid_request</c> and no code is ever issued. A request without <c>aud</c> is
/// plain OAuth 2.0 (the REST clients of this server send none) and is not affected.
/// </summary>
public sealed class RefuseForeignAudience : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseSingletonHandler<RefuseForeignAudience>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order + 600)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var audience = (string?)context.Request[SmartParameters.Audience];
        if (audience is null || context.Transaction.GetHttpRequest() is not { } request)
        {
            return ValueTask.CompletedTask;
        }

        var origin = request.HttpContext.RequestServices.GetRequiredService<IPublicOrigin>().For(request);
        var served = request.HttpContext.RequestServices.GetRequiredService<SmartResourceServers>().Bases(origin);
        if (!served.Contains(audience.TrimEnd('/'), StringComparer.Ordinal))
        {
            context.Reject(
                Errors.InvalidRequest,
                $"The aud parameter must be the base URL of a FHIR server this authorization server protects ({string.Join(", ", served)}); '{audience}' is not one (SMART App Launch, authorization request).");
        }

        return ValueTask.CompletedTask;
    }
}
