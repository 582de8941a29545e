namespace ModularEmr.Sdk.Security;

/// <summary>Claim types of the principals the host and its modules create (JWT names, RFC 7519 / RFC 8693).</summary>
public static class EmrClaimTypes
{
    /// <summary>The user's uuid.</summary>
    public const string Subject = "sub";

    /// <summary>The username.</summary>
    public const string Name = "name";

    /// <summary>A role of the user.</summary>
    public const string Role = "role";

    /// <summary>The OAuth 2.0 client a token was issued to.</summary>
    public const string ClientId = "client_id";

    /// <summary>A granted scope.</summary>
    public const string Scope = "scope";
}
