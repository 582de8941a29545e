using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ModularEmr.Modules.OAuth2.Keys;
using ModularEmr.Sdk.Security;
using TokenValidationResult = ModularEmr.Sdk.Security.TokenValidationResult;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// Names the rule a refused token broke. OpenIddict answers "invalid" (ID2004) or "no longer valid"
/// (ID2019) without saying why; on that refusal path only, the token is opened again with this
/// server's keys to tell a bad encryption from a bad signature, and an expiry from a revocation.
/// </summary>
public sealed class TokenDiagnosis(ServerKeys keys, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<TokenValidationResult> DiagnoseAsync(string token, bool noLongerValid)
    {
        if (!_handler.CanReadToken(token))
        {
            return TokenValidationResult.Refused(TokenValidationFailure.Malformed, "The access token is not a token this server issues.");
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = [keys.TokenSigning, keys.Signing],
            TokenDecryptionKeys = [keys.TokenEncryption, keys.AccessTokenEncryption, keys.Encryption],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            ValidateIssuerSigningKey = true,
            ValidTypes = ["at+jwt"],
        });

        return result.Exception switch
        {
            null when noLongerValid && result.SecurityToken is JsonWebToken { ValidTo: var expires } && expires <= clock.GetUtcNow().UtcDateTime =>
                TokenValidationResult.Refused(TokenValidationFailure.Expired, $"The access token expired at {expires:O}."),
            null when noLongerValid =>
                TokenValidationResult.Refused(TokenValidationFailure.Revoked, "The access token has been revoked, or the user revoked the app, or the client was deleted."),
            null => TokenValidationResult.Refused(TokenValidationFailure.NotIssued, "The access token is not recorded as issued by this server."),
            SecurityTokenDecryptionFailedException or SecurityTokenEncryptionKeyNotFoundException =>
                TokenValidationResult.Refused(TokenValidationFailure.Decryption, "The access token cannot be decrypted with this server's keys."),
            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException =>
                TokenValidationResult.Refused(TokenValidationFailure.Signature, "The access token's signature does not match its content."),
            SecurityTokenInvalidTypeException =>
                TokenValidationResult.Refused(TokenValidationFailure.Malformed, "The token is not an access token."),
            _ => TokenValidationResult.Refused(TokenValidationFailure.Malformed, "The access token is malformed or truncated."),
        };
    }
}
