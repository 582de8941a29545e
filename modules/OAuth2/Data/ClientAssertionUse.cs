namespace ModularEmr.Modules.OAuth2.Data;

/// <summary>
/// A client assertion already presented (RFC 7523 §3, SMART Backend Services): its <c>jti</c> is kept until
/// the assertion expires, so that the same assertion is refused the second time, on any instance.
/// </summary>
public sealed class ClientAssertionUse
{
    public const string Table = "oauth2_client_assertion";

    /// <summary>SHA-256 of the client id and the <c>jti</c>, in lower-case hex.</summary>
    public required string Hash { get; set; }

    /// <summary>Unix milliseconds of the assertion's <c>exp</c>; after it the assertion is refused anyway.</summary>
    public long ExpiresAt { get; set; }
}
