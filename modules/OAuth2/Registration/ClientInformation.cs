using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>
/// RFC 7591 §3.2.1 and RFC 7592 §3: the client's id (and secret, when one was just issued), the registration
/// access token and URL, and every metadata value as registered. A value not registered is left out, not
/// sent as null: clients read an absent member as "none", and some refuse a null where the RFC names a type.
/// </summary>
public sealed record ClientInformation
{
    [JsonPropertyName("client_id")]
    public required string ClientId { get; init; }

    /// <summary>Only when this answer issues it: the secret is stored hashed and can never be shown again.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("client_secret")]
    public string? ClientSecret { get; init; }

    [JsonPropertyName("client_id_issued_at")]
    public long ClientIdIssuedAt { get; init; }

    /// <summary>0: the secret does not expire (§3.2.1); present only beside a secret.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("client_secret_expires_at")]
    public long? ClientSecretExpiresAt { get; init; }

    /// <summary>The token the client manages its registration with (RFC 7592 §3): issued at registration, echoed after.</summary>
    [JsonPropertyName("registration_access_token")]
    public required string RegistrationAccessToken { get; init; }

    [JsonPropertyName("registration_client_uri")]
    public required string RegistrationClientUri { get; init; }

    [JsonPropertyName("client_name")]
    public required string ClientName { get; init; }

    [JsonPropertyName("redirect_uris")]
    public required IReadOnlyList<string> RedirectUris { get; init; }

    [JsonPropertyName("grant_types")]
    public required IReadOnlyList<string> GrantTypes { get; init; }

    [JsonPropertyName("response_types")]
    public required IReadOnlyList<string> ResponseTypes { get; init; }

    [JsonPropertyName("token_endpoint_auth_method")]
    public required string TokenEndpointAuthMethod { get; init; }

    [JsonPropertyName("application_type")]
    public required string ApplicationType { get; init; }

    [JsonPropertyName("scope")]
    public required string Scope { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("jwks")]
    public JsonObject? Jwks { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("client_uri")]
    public string? ClientUri { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("logo_uri")]
    public string? LogoUri { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("tos_uri")]
    public string? TosUri { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("policy_uri")]
    public string? PolicyUri { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("contacts")]
    public IReadOnlyList<string>? Contacts { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("software_id")]
    public string? SoftwareId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonPropertyName("software_version")]
    public string? SoftwareVersion { get; init; }
}
