using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// RFC 9700 §4.1 and RFC 6749 §4.1.2.1: an authorization request is carried back and forth through the
/// browser (to the login page as its return URL, to the client as <c>state</c>). A request of 100 kB would
/// become a 100 kB <c>Location</c> header that proxies and browsers cut or refuse, and an amplifier for
/// whatever it carries. Browsers themselves keep addresses to a few kilobytes, so a request larger than
/// 8 KB in all is refused before its redirect URI is trusted, on an error page of ours.
/// </summary>
public sealed class RefuseOversizedAuthorizationRequest : IOpenIddictServerHandler<ExtractAuthorizationRequestContext>
{
    private const int MaxLength = 8_192;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractAuthorizationRequestContext>()
            .UseSingletonHandler<RefuseOversizedAuthorizationRequest>()
            .SetOrder(RefuseUnreadableForm<ExtractAuthorizationRequestContext>.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ExtractAuthorizationRequestContext context)
    {
        // Read before OpenIddict extracts the request (the form is already parsed by RefuseUnreadableForm).
        if (context.Transaction.GetHttpRequest() is not { } request)
        {
            return;
        }

        var length = request.QueryString.Value?.Length ?? 0;
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            length += (await request.ReadFormAsync(context.CancellationToken)).Sum(field => field.Key.Length + field.Value.Sum(value => value?.Length ?? 0));
        }

        if (length > MaxLength)
        {
            context.Reject(Errors.InvalidRequest, $"The authorization request is larger than {MaxLength:N0} characters.");
        }
    }
}
