using Microsoft.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Modules;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// SMART App Launch 2.2 §"Launch context arrives with your access_token": the patient in context travels
/// beside the access token in the token response, as <c>patient</c>, with <c>need_patient_banner</c> and
/// <c>smart_style_url</c>. The value is read from the access token being issued, so a code redemption, a
/// refresh and a password grant all say the same thing as the token itself.
/// </summary>
public sealed class LaunchContextInTokenResponse : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<LaunchContextInTokenResponse>()
            .SetOrder(OpenIddictServerHandlers.AttachCustomSignInParameters.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.EndpointType is not OpenIddictServerEndpointType.Token
            || !context.IncludeAccessToken
            || (context.AccessTokenPrincipal ?? context.Principal)?.GetClaim(EmrClaims.Patient) is not { Length: > 0 } patient)
        {
            return ValueTask.CompletedTask;
        }

        context.Parameters[SmartParameters.Patient] = patient;
        // A standalone launch has no EHR around the app to show who the patient is: the app must.
        context.Parameters[SmartParameters.NeedPatientBanner] = true;
        if (context.Transaction.GetHttpRequest() is { } request)
        {
            var origin = request.HttpContext.RequestServices.GetRequiredService<IPublicOrigin>().For(request);
            context.Parameters[SmartParameters.SmartStyleUrl] = origin + SmartStyleApi.Path;
        }

        return ValueTask.CompletedTask;
    }
}
