namespace ModularEmr.Modules.OAuth2.Data;

/// <summary>
/// An initial access token (RFC 7591 §3): an administrator's permission, made with the CLI, to register
/// clients through the dynamic registration endpoint on behalf of one developer. Only the token's SHA-256
/// is stored, so a copy of the table registers nothing.
/// </summary>
public sealed class InitialAccessToken
{
    public const string Table = "oauth2_initial_access_token";

    /// <summary>SHA-256 of the token, in lower-case hex.</summary>
    public required string TokenHash { get; set; }

    /// <summary>The developer who owns the clients registered with it.</summary>
    public Guid DeveloperUuid { get; set; }

    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }

    /// <summary>Unix milliseconds; the token is refused from then on.</summary>
    public long ExpiresAt { get; set; }

    /// <summary>How many more clients it may register.</summary>
    public int UsesLeft { get; set; }
}
