using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// RFC 6749 §5.2 and RFC 7523 §3.2: a client whose authentication fails gets <c>invalid_client</c>. OpenIddict
/// answers some client-assertion failures (audience, lifetime) with <c>invalid_token</c>, which names no
/// token of this request a client sent for access; on the token endpoint such an answer is the client's.
/// </summary>
public sealed class ClientAssertionRefusalsAreInvalidClient : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<ClientAssertionRefusalsAreInvalidClient>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (context.Response.Error == Errors.InvalidToken && !string.IsNullOrEmpty(context.Request?.ClientAssertion))
        {
            context.Response.Error = Errors.InvalidClient;
        }

        return ValueTask.CompletedTask;
    }
}
