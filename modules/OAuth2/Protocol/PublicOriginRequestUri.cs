using Microsoft.AspNetCore;
using ModularEmr.Sdk.Modules;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// OpenIddict builds the endpoint URLs of the discovery document from the URI of the request (its scheme
/// and Host header), even with an issuer set. Right after its ASP.NET Core host has read that URI, this
/// puts the configured public origin in place of the scheme and host, for the base URI and the request
/// URI alike (so that endpoint matching still works); without one (Development), it changes nothing.
/// </summary>
public sealed class PublicOriginRequestUri(IPublicOrigin origin) : IOpenIddictServerHandler<ProcessRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
            .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
            .UseSingletonHandler<PublicOriginRequestUri>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ResolveRequestUri.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessRequestContext context)
    {
        if (origin.Configured is { } configured && context.Transaction.GetHttpRequest() is { } request)
        {
            context.BaseUri = configured;
            context.RequestUri = new Uri(configured, request.Path.ToUriComponent() + request.QueryString.ToUriComponent());
        }

        return ValueTask.CompletedTask;
    }
}
