namespace ModularEmr.Sdk.Security;

/// <summary>
/// Token validation offered by the OAuth2 module to every other module. A module that calls it
/// declares <c>"requires": { "oauth2": "…" }</c> in its manifest.
/// </summary>
public interface IOAuth2Service
{
    /// <summary>
    /// Checks an access token. It is valid only if it decrypts, its signature and claims match, it is
    /// recorded as issued to its client (to <paramref name="expectedClientId"/> when one is named) and
    /// not revoked, and it has not expired. Revocations are seen by the very next call.
    /// </summary>
    ValueTask<TokenValidationResult> ValidateTokenAsync(string accessToken, string? expectedClientId = null, CancellationToken cancellationToken = default);
}

/// <summary>Which rule an access token broke.</summary>
public enum TokenValidationFailure
{
    /// <summary>The token is valid.</summary>
    None,

    /// <summary>Not a token this server issued: unreadable, truncated, or not an access token.</summary>
    Malformed,

    /// <summary>The token could not be decrypted with this server's keys.</summary>
    Decryption,

    /// <summary>The signature or a protected claim does not match.</summary>
    Signature,

    /// <summary>The token is past its expiry.</summary>
    Expired,

    /// <summary>The token, its authorization or its client has been revoked or deleted.</summary>
    Revoked,

    /// <summary>The token is not recorded as issued.</summary>
    NotIssued,

    /// <summary>The token was issued to another client than the one the caller named.</summary>
    ClientMismatch,
}

/// <summary>The outcome of <see cref="IOAuth2Service.ValidateTokenAsync"/>.</summary>
public sealed record TokenValidationResult
{
    /// <summary>True when every rule holds.</summary>
    public bool IsValid => Failure == TokenValidationFailure.None;

    /// <summary>The rule that failed, or <see cref="TokenValidationFailure.None"/>.</summary>
    public TokenValidationFailure Failure { get; init; }

    /// <summary>A sentence on why the token was refused, fit for an RFC 6750 <c>error_description</c>.</summary>
    public string? FailureDescription { get; init; }

    /// <summary>The client the token was issued to.</summary>
    public string? ClientId { get; init; }

    /// <summary>The uuid of the user the token acts for; null for client-credentials tokens.</summary>
    public Guid? UserUuid { get; init; }

    /// <summary>The username of that user.</summary>
    public string? Username { get; init; }

    /// <summary>The scopes granted to the token.</summary>
    public IReadOnlySet<string> Scopes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The patient in context (SMART <c>launch/patient</c>), if any.</summary>
    public Guid? PatientUuid { get; init; }

    /// <summary>When the token expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The token's identifier (not the token itself), for audit logs.</summary>
    public string? TokenId { get; init; }

    /// <summary>A refusal with its reason.</summary>
    public static TokenValidationResult Refused(TokenValidationFailure failure, string description) =>
        failure == TokenValidationFailure.None
            ? throw new ArgumentOutOfRangeException(nameof(failure), "a refusal needs a reason")
            : new() { Failure = failure, FailureDescription = description };
}
