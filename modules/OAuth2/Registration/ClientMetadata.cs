using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>
/// A client's metadata as RFC 7591 §2 names it, sent to register (§3.1) or, with <c>client_id</c>, to update
/// (RFC 7592 §2.2). Members this server does not know are ignored, as §2 requires; those RFC 7592 forbids in
/// an update are caught in <see cref="Other"/>.
/// </summary>
public sealed record ClientMetadata
{
    [JsonPropertyName("redirect_uris")]
    public IReadOnlyList<string>? RedirectUris { get; init; }

    [JsonPropertyName("token_endpoint_auth_method")]
    public string? TokenEndpointAuthMethod { get; init; }

    [JsonPropertyName("grant_types")]
    public IReadOnlyList<string>? GrantTypes { get; init; }

    [JsonPropertyName("response_types")]
    public IReadOnlyList<string>? ResponseTypes { get; init; }

    [JsonPropertyName("client_name")]
    public string? ClientName { get; init; }

    [JsonPropertyName("client_uri")]
    public string? ClientUri { get; init; }

    [JsonPropertyName("logo_uri")]
    public string? LogoUri { get; init; }

    /// <summary>Space-separated, as in RFC 6749 §3.3.</summary>
    [JsonPropertyName("scope")]
    public string? Scope { get; init; }

    [JsonPropertyName("contacts")]
    public IReadOnlyList<string>? Contacts { get; init; }

    [JsonPropertyName("tos_uri")]
    public string? TosUri { get; init; }

    [JsonPropertyName("policy_uri")]
    public string? PolicyUri { get; init; }

    [JsonPropertyName("jwks_uri")]
    public string? JwksUri { get; init; }

    [JsonPropertyName("jwks")]
    public JsonElement? Jwks { get; init; }

    [JsonPropertyName("software_id")]
    public string? SoftwareId { get; init; }

    [JsonPropertyName("software_version")]
    public string? SoftwareVersion { get; init; }

    /// <summary>OpenID Connect Dynamic Client Registration §2: <c>web</c> (default) or <c>native</c>.</summary>
    [JsonPropertyName("application_type")]
    public string? ApplicationType { get; init; }

    /// <summary>Sent with an update only (RFC 7592 §2.2), and then equal to the client's id.</summary>
    [JsonPropertyName("client_id")]
    public string? ClientId { get; init; }

    /// <summary>If sent with an update, it must be the current secret (RFC 7592 §2.2); a client cannot choose its own.</summary>
    [JsonPropertyName("client_secret")]
    public string? ClientSecret { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}
