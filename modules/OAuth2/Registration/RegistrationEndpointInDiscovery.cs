using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>
/// RFC 8414 §2 and OpenID Connect Discovery §3: <c>registration_endpoint</c> in the discovery document.
/// OpenIddict has no registration endpoint of its own, so it does not list one.
/// </summary>
public sealed class RegistrationEndpointInDiscovery : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<RegistrationEndpointInDiscovery>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachIssuer.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        if (context.Issuer is { } issuer)
        {
            context.Metadata["registration_endpoint"] = new Uri(issuer, DynamicRegistrationApi.Path.TrimStart('/')).AbsoluteUri;
        }

        return ValueTask.CompletedTask;
    }
}
