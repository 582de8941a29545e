using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Modules.OAuth2.Telemetry;
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
public sealed class OAuth2Service(OpenIddictValidationService validation, TokenDiagnosis diagnosis, ValidatedTokens validated, OAuth2Metrics metrics) : IOAuth2Service
{
    public async ValueTask<TokenValidationResult> ValidateTokenAsync(string accessToken, string? expectedClientId = null, CancellationToken cancellationToken = default)
    {
        var (result, cached) = await CheckAsync(accessToken, expectedClientId, cancellationToken);
        metrics.Validation(result, cached);
        return result;
    }

    private async ValueTask<(TokenValidationResult Result, bool Cached)> CheckAsync(string accessToken, string? expectedClientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(accessToken) || accessToken.Length > 16_384)
        {
            return (TokenValidationResult.Refused(TokenValidationFailure.Malformed, "The access token is empty or too long."), false);
        }

        var key = ValidatedTokens.Key(accessToken);
        var epoch = await validated.EpochAsync(cancellationToken);
        if (validated.Find(key, epoch) is { } known)
        {
            return (ForClient(known, expectedClientId), true);
        }

        if (DirectEncryptionShape.IsBroken(accessToken))
        {
            return (TokenValidationResult.Refused(TokenValidationFailure.Malformed, "The access token is malformed: a directly encrypted token has no encrypted key."), false);
        }

        System.Security.Claims.ClaimsPrincipal principal;
        try
        {
            principal = await validation.ValidateAccessTokenAsync(accessToken, cancellationToken);
        }
        catch (OpenIddictExceptions.ProtocolException exception)
        {
            // ID2019: "no longer valid" (expired, revoked, or its authorization or client is gone).
            return (await diagnosis.DiagnoseAsync(accessToken, noLongerValid: exception.ErrorUri?.EndsWith("ID2019", StringComparison.Ordinal) == true), false);
        }

        // DESIGN §7: valid only if recorded as issued. OpenIddict checks the entry a token names, and a
        // token that names none (only the holder of this server's keys could make one) would skip that check.
        if (principal.GetTokenId() is null)
        {
            return (TokenValidationResult.Refused(TokenValidationFailure.NotIssued, "The access token is not recorded as issued by this server."), false);
        }

        var clientId = principal.GetClaim(Claims.ClientId) ?? principal.GetPresenters().FirstOrDefault();
        var actsForUser = principal.GetClaim(EmrClaims.Actor) == "user";
        var result = new TokenValidationResult
        {
            ClientId = clientId,
            UserUuid = actsForUser && Guid.TryParse(principal.GetClaim(Claims.Subject), out var user) ? user : null,
            Username = actsForUser ? principal.GetClaim(Claims.PreferredUsername) : null,
            Scopes = principal.GetScopes().ToHashSet(StringComparer.Ordinal),
            PatientUuid = Guid.TryParse(principal.GetClaim(EmrClaims.Patient), out var patient) ? patient : null,
            ExpiresAt = principal.GetExpirationDate(),
            TokenId = principal.GetTokenId(),
        };
        validated.Remember(key, result, epoch);
        return (ForClient(result, expectedClientId), false);
    }

    private static TokenValidationResult ForClient(TokenValidationResult result, string? expectedClientId) =>
        expectedClientId is not null && !string.Equals(result.ClientId, expectedClientId, StringComparison.Ordinal)
            ? TokenValidationResult.Refused(TokenValidationFailure.ClientMismatch, "The access token was issued to another client.")
            : result;
}
