using ModularEmr.Modules.OAuth2.Protocol;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// SMART App Launch 2.2 §"EHR launch": the <c>launch</c> scope asks for the EHR's context and needs the
/// <c>launch</c> parameter the EHR gave the app; a launch id that is unknown, made for another app, used
/// or expired is refused before anyone is asked to sign in. Runs once the redirect URI is known to be the
/// client's, so the refusal goes back to the app as <c>invalid_request</c>. The user it was made for is
/// checked after sign-in, by the authorization endpoint.
/// </summary>
public sealed class RequireUsableLaunch(EhrLaunches launches) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    /// <summary>Where the launch found here waits for the authorization endpoint, so that it is read once per request.</summary>
    public const string Property = ".emr.ehr_launch";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<RequireUsableLaunch>()
            .SetOrder(RefuseForeignAudience.Descriptor.Order + 100)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var launchId = (string?)context.Request[SmartParameters.Launch];
        if (launchId is null)
        {
            if (context.Request.HasScope(OAuth2Scopes.Launch))
            {
                context.Reject(Errors.InvalidRequest, "The launch scope is for an EHR launch and needs the launch parameter the EHR gave the app.");
            }

            return;
        }

        var (launch, refusal) = await launches.FindUsableAsync(launchId, context.ClientId, context.CancellationToken);
        if (launch is null)
        {
            context.Reject(Errors.InvalidRequest, refusal);
            return;
        }

        context.Transaction.Properties[Property] = launch;
    }
}
