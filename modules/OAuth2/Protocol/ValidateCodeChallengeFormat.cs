using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// RFC 7636 §4.2: a code challenge is 43 to 128 characters of the unreserved set
/// (<c>[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"</c>). OpenIddict accepts any non-empty value, and a
/// three-character challenge protects nothing. Runs once the redirect URI is known to be the client's,
/// so the refusal goes back to the client as an <c>invalid_request</c>.
/// </summary>
public sealed class ValidateCodeChallengeFormat : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    private const int MinLength = 43;
    private const int MaxLength = 128;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseSingletonHandler<ValidateCodeChallengeFormat>()
            .SetOrder(Math.Max(
                OpenIddictServerHandlers.Authentication.ValidateProofKeyForCodeExchangeParameters.Descriptor.Order,
                OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order) + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (context.Request.CodeChallenge is { } challenge && !IsWellFormed(challenge))
        {
            context.Reject(
                Errors.InvalidRequest,
                $"The code_challenge must be {MinLength} to {MaxLength} characters of A-Z, a-z, 0-9, '-', '.', '_' and '~' (RFC 7636 section 4.2).");
        }

        return ValueTask.CompletedTask;
    }

    internal static bool IsWellFormed(string value) =>
        value.Length is >= MinLength and <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
