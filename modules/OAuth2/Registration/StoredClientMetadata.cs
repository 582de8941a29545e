using System.Text.Json.Serialization;

namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>The RFC 7591 metadata kept beside a dynamically registered client, with no column of its own.</summary>
public sealed record StoredClientMetadata(
    [property: JsonPropertyName("token_endpoint_auth_method")] string TokenEndpointAuthMethod,
    [property: JsonPropertyName("contacts")] IReadOnlyList<string>? Contacts,
    [property: JsonPropertyName("logo_uri")] string? LogoUri,
    [property: JsonPropertyName("tos_uri")] string? TosUri,
    [property: JsonPropertyName("policy_uri")] string? PolicyUri,
    [property: JsonPropertyName("software_id")] string? SoftwareId,
    [property: JsonPropertyName("software_version")] string? SoftwareVersion);
