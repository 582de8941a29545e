using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// DESIGN §6 promises <c>scope</c> in every token response. RFC 6749 §5.1 lets a server leave it out
/// when it is exactly what was requested, as OpenIddict does; then it is the requested scope.
/// </summary>
public sealed class ScopeInTokenResponse : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<ScopeInTokenResponse>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (context.Response.AccessToken is not null && string.IsNullOrEmpty(context.Response.Scope) && !string.IsNullOrEmpty(context.Request?.Scope))
        {
            context.Response.Scope = context.Request.Scope;
        }

        return ValueTask.CompletedTask;
    }
}
