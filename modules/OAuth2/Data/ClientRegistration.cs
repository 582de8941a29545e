namespace ModularEmr.Modules.OAuth2.Data;

/// <summary>
/// What a developer registered beyond the protocol settings OpenIddict keeps on the application:
/// who owns it, what it is, and that the terms were accepted.
/// </summary>
public sealed class ClientRegistration
{
    public required string ClientId { get; set; }

    /// <summary>
    /// The uuid of the developer who registered the client, or for whom an administrator made the initial
    /// access token it was registered with; <see cref="NoOwner"/> for a client registered openly (RFC 7591
    /// without a token).
    /// </summary>
    public Guid OwnerUuid { get; set; }

    /// <summary>
    /// The owner of an openly registered client: no developer. The column stays required because SQLite can
    /// relax it only by rebuilding the table, which cannot run inside a module's install transaction.
    /// </summary>
    public static readonly Guid NoOwner = Guid.Empty;

    public string? Description { get; set; }

    public string? Website { get; set; }

    /// <summary>Where the EHR opens the app for an EHR launch (SMART App Launch 2.2), with <c>iss</c> and <c>launch</c> added.</summary>
    public string? LaunchUri { get; set; }

    /// <summary>Web origins (<c>https://app.example</c>) whose pages may call the token, discovery, userinfo and FHIR endpoints from a browser (CORS), space-separated.</summary>
    public string? AllowedOrigins { get; set; }

    /// <summary>The public keys (a JWKS, as registered) of a <see cref="ClientKind.ConfidentialAsymmetric"/> client.</summary>
    public string? Jwks { get; set; }

    public ClientKind Kind { get; set; }

    /// <summary>SHA-256 (hex) of the registration access token of a client registered through RFC 7591; null for a client made in the portal.</summary>
    public string? RegistrationTokenHash { get; set; }

    /// <summary>The RFC 7591 metadata that has no other column (contacts, logo, terms and policy URIs, authentication method), as a JSON object.</summary>
    public string? RegistrationMetadata { get; set; }

    public DateTimeOffset TermsAcceptedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }
}

/// <summary>The kinds of client of RFC 6749 §2.1, as a developer picks one.</summary>
public enum ClientKind
{
    /// <summary>A web application with a server that keeps a secret (confidential).</summary>
    ConfidentialWeb,

    /// <summary>An application running in a browser (public: no secret, PKCE required).</summary>
    PublicBrowser,

    /// <summary>A native or mobile application (public: no secret, PKCE required).</summary>
    PublicNative,

    /// <summary>
    /// A server that authenticates with JWT assertions signed by its own private key (RFC 7523, SMART
    /// Backend Services): confidential, but the server keeps only the public keys.
    /// </summary>
    ConfidentialAsymmetric,
}
