using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// RFC 6749 §5.2 (<c>invalid_request</c>: "otherwise malformed"): a form body the framework refuses to
/// parse (a key beyond its length limit, a value or field count beyond its limits, a truncated body, a
/// malformed Content-Type) is the client's error. OpenIddict reads the form itself and lets that exception escape as a 500, so the
/// form is read here first, where the failure can be answered as an OAuth2 error. ASP.NET Core keeps the
/// parsed form, so OpenIddict does not read the body twice.
/// </summary>
public sealed class RefuseUnreadableForm<TContext> : IOpenIddictServerHandler<TContext>
    where TContext : BaseValidatingContext
{
    // OpenIddict's own per-context handlers (ExtractPostRequest<TContext>) carry their descriptor the same way.
#pragma warning disable CA1000 // Do not declare static members on generic types
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<RefuseUnreadableForm<TContext>>()
            .SetOrder(Math.Min(
                OpenIddictServerAspNetCoreHandlers.ExtractPostRequest<TContext>.Descriptor.Order,
                OpenIddictServerAspNetCoreHandlers.ExtractGetOrPostRequest<TContext>.Descriptor.Order) - 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();
#pragma warning restore CA1000

    public async ValueTask HandleAsync(TContext context)
    {
        var request = context.Transaction.GetHttpRequest();
        if (request is null || !HttpMethods.IsPost(request.Method))
        {
            return;
        }

        if (!request.HasFormContentType)
        {
            // OpenIddict takes a Content-Type that merely starts as a form's for one, and the framework then
            // refuses to read it (two Content-Type headers, "application/x-www-form-urlencoded,;;;").
            if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            {
                context.Reject(Errors.InvalidRequest, "The request's Content-Type header is malformed: send one, 'application/x-www-form-urlencoded'.");
            }

            return;
        }

        try
        {
            await request.ReadFormAsync(context.CancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or BadHttpRequestException)
        {
            context.Reject(
                Errors.InvalidRequest,
                "The request body is not a form this server can read: a field name is longer than 2,048 characters, the form holds too many fields, or the body is too large or cut short.");
        }
    }
}
