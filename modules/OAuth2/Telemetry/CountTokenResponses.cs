using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Telemetry;

/// <summary>
/// Counts each token endpoint answer as it goes out (<see cref="OAuth2Metrics.TokenResponse"/>): issued, or
/// refused with its RFC 6749 §5.2 error code. Every answer passes here, whichever handler refused it.
/// </summary>
public sealed class CountTokenResponses(OAuth2Metrics metrics) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<CountTokenResponses>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        metrics.TokenResponse(context.Request?.GrantType, context.Response.Error);
        return ValueTask.CompletedTask;
    }
}
