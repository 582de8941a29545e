using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Security;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// Validates access tokens for the other modules with OpenIddict's validation stack on this server's
/// keys and token store: decryption, signature, claims, expiry, the token entry (issued and not
/// revoked) and its authorization entry. Revocation is seen by the next call.
/// </summary>
public sealed class OAuth2Service(OpenIddictValidationService validation) : IOAuth2Service
{
    public async ValueTask<TokenValidationResult> ValidateTokenAsync(string accessToken, string? expectedClientId = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(accessToken) || accessToken.Length > 16_384)
        {
            return TokenValidationResult.Refused(TokenValidationFailure.Malformed, "The access token is empty or too long.");
        }

        System.Security.Claims.ClaimsPrincipal principal;
        try
        {
            principal = await validation.ValidateAccessTokenAsync(accessToken, cancellationToken);
        }
        catch (OpenIddictExceptions.ProtocolException exception)
        {
            return TokenValidationResult.Refused(Classify(accessToken, exception), exception.ErrorDescription ?? "The access token is not valid.");
        }

        var clientId = principal.GetClaim(Claims.ClientId) ?? principal.GetPresenters().FirstOrDefault();
        if (expectedClientId is not null && !string.Equals(clientId, expectedClientId, StringComparison.Ordinal))
        {
            return TokenValidationResult.Refused(TokenValidationFailure.ClientMismatch, "The access token was issued to another client.");
        }

        var actsForUser = principal.GetClaim(EmrClaims.Actor) == "user";
        return new TokenValidationResult
        {
            ClientId = clientId,
            UserUuid = actsForUser && Guid.TryParse(principal.GetClaim(Claims.Subject), out var user) ? user : null,
            Username = actsForUser ? principal.GetClaim(Claims.PreferredUsername) : null,
            Scopes = principal.GetScopes().ToHashSet(StringComparer.Ordinal),
            PatientUuid = Guid.TryParse(principal.GetClaim(EmrClaims.Patient), out var patient) ? patient : null,
            ExpiresAt = principal.GetExpirationDate(),
            TokenId = principal.GetTokenId(),
        };
    }

    /// <summary>Which rule failed, from OpenIddict's error (its codes are documented as IDxxxx).</summary>
    private static TokenValidationFailure Classify(string token, OpenIddictExceptions.ProtocolException exception)
    {
        var uri = exception.ErrorUri ?? string.Empty;
        var id = uri.Length >= 6 ? uri[^6..] : string.Empty;
        var description = exception.ErrorDescription ?? string.Empty;
        if (description.Contains("expired", StringComparison.OrdinalIgnoreCase))
        {
            return TokenValidationFailure.Expired;
        }

        if (description.Contains("no longer valid", StringComparison.OrdinalIgnoreCase) || description.Contains("revoked", StringComparison.OrdinalIgnoreCase))
        {
            return TokenValidationFailure.Revoked;
        }

        if (token.Count(c => c == '.') is not (2 or 4))
        {
            return TokenValidationFailure.Malformed;
        }

        _ = id;
        return description.Contains("signature", StringComparison.OrdinalIgnoreCase) ? TokenValidationFailure.Signature
            : token.Count(c => c == '.') == 4 && !string.IsNullOrEmpty(description) ? TokenValidationFailure.Decryption
            : TokenValidationFailure.Malformed;
    }
}
