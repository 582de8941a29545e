using System.Text.Json;
using ModularEmr.Modules.OAuth2.Clients;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>
/// RFC 7591 §2 metadata translated to the portal's registration, so that a client registered either way meets
/// the same rules (<see cref="ClientRegistrations"/>: exact redirect URIs without fragments, https, PKCE for public
/// clients, keys for <c>private_key_jwt</c>). What only this endpoint decides is here.
/// </summary>
public static class ClientMetadataRules
{
    private static readonly string[] OfferedGrants = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials];

    /// <summary>RFC 7592 §2.2: members an update must not send; they belong to the server's answer.</summary>
    private static readonly string[] ServerOnlyMembers = ["registration_access_token", "registration_client_uri", "client_secret_expires_at", "client_id_issued_at"];

    public static (ClientRegistrationRequest Request, StoredClientMetadata Stored) ToRegistration(ClientMetadata metadata)
    {
        if (metadata.Other?.Keys.FirstOrDefault(ServerOnlyMembers.Contains) is { } serverOnly)
        {
            throw Invalid($"'{serverOnly}' is set by the server, not sent by the client (RFC 7592 §2.2).");
        }

        if (string.IsNullOrWhiteSpace(metadata.ClientName))
        {
            throw Invalid("'client_name' is required: people see it when they are asked to authorize the client.");
        }

        var grants = metadata.GrantTypes ?? [GrantTypes.AuthorizationCode];
        if (grants.FirstOrDefault(g => !OfferedGrants.Contains(g)) is { } grant)
        {
            throw Invalid(grant is GrantTypes.Implicit or GrantTypes.Password
                ? $"The '{grant}' grant is not offered through dynamic registration: RFC 9700 §2.1.2 and §2.4 advise against it. Use authorization_code with PKCE."
                : $"'grant_types' may name: {string.Join(", ", OfferedGrants)}; '{grant}' is not offered.");
        }

        // RFC 7591 §2.1: response types and grant types must agree; only the code flow has a response type here.
        var expectedResponses = grants.Contains(GrantTypes.AuthorizationCode) ? new[] { ResponseTypes.Code } : [];
        if (metadata.ResponseTypes is { } responses && !responses.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).SequenceEqual(expectedResponses))
        {
            throw Invalid(expectedResponses.Length == 0
                ? "'response_types' must be empty without the authorization_code grant."
                : "'response_types' must be [\"code\"] with the authorization_code grant, the only flow with a response type here.");
        }

        if (metadata.JwksUri is not null)
        {
            throw Invalid("'jwks_uri' is not fetched by this server: send the public keys in 'jwks'.");
        }

        var method = metadata.TokenEndpointAuthMethod ?? ClientAuthenticationMethods.ClientSecretBasic;
        var applicationType = metadata.ApplicationType ?? ApplicationTypes.Web;
        if (applicationType is not (ApplicationTypes.Web or ApplicationTypes.Native))
        {
            throw Invalid("'application_type' must be 'web' or 'native'.");
        }

        var kind = method switch
        {
            ClientAuthenticationMethods.ClientSecretBasic or ClientAuthenticationMethods.ClientSecretPost => "confidential-web",
            ClientAuthenticationMethods.PrivateKeyJwt => "confidential-asymmetric",
            ClientAuthenticationMethods.None => applicationType == ApplicationTypes.Native ? "public-native" : "public-browser",
            _ => throw Invalid($"'token_endpoint_auth_method' must be one of: client_secret_basic, client_secret_post, private_key_jwt, none; '{method}' is not offered."),
        };

        if (string.IsNullOrWhiteSpace(metadata.Scope))
        {
            throw Invalid("'scope' is required: name the scopes the client may ask for, separated by spaces.");
        }

        var contacts = metadata.Contacts;
        if (contacts is { Count: > 10 } || contacts?.Any(c => string.IsNullOrWhiteSpace(c) || c.Length > 200) == true)
        {
            throw Invalid("'contacts' holds at most 10 addresses of at most 200 characters each.");
        }

        var request = new ClientRegistrationRequest
        {
            Name = metadata.ClientName,
            Website = PageUri(metadata.ClientUri, "client_uri"),
            ClientType = kind,
            RedirectUris = metadata.RedirectUris ?? [],
            Jwks = metadata.Jwks is { ValueKind: not JsonValueKind.Null } jwks ? jwks : null,
            GrantTypes = grants,
            Scopes = metadata.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            // The terms are accepted for the developer by the administrator who gave them the initial access
            // token; docs/oauth2.md says so. An open server accepts registrations on those terms.
            AcceptTerms = true,
        };

        var stored = new StoredClientMetadata(
            method,
            contacts?.Select(c => c.Trim()).ToList(),
            PageUri(metadata.LogoUri, "logo_uri"),
            PageUri(metadata.TosUri, "tos_uri"),
            PageUri(metadata.PolicyUri, "policy_uri"),
            Bounded(metadata.SoftwareId, "software_id"),
            Bounded(metadata.SoftwareVersion, "software_version"));
        return (request, stored);
    }

    /// <summary>
    /// Why a client may not register without an initial access token even on an open server, or null. An
    /// anonymous registration must not buy access of its own: only public apps, which act for a signed-in user
    /// who consents (RFC 9700 §2.1.1 PKCE), never a client that holds a secret or keys, never <c>system/</c> scopes.
    /// </summary>
    public static string? NeedsInitialToken(ClientRegistrationRequest request) =>
        request.ClientType is not ("public-browser" or "public-native")
            ? "Without an initial access token only public apps ('token_endpoint_auth_method': 'none') may register; a client with a secret or keys needs one from an administrator."
            : request.Scopes?.FirstOrDefault(s => s.StartsWith("system/", StringComparison.Ordinal)) is { } system
                ? $"Scope '{system}' acts without a user; it needs an initial access token from an administrator."
                : null;

    public static ClientInformation ToInformation(ClientView client, StoredClientMetadata stored, string registrationAccessToken, string registrationClientUri, string? secret) => new()
    {
        ClientId = client.ClientId,
        ClientSecret = secret,
        ClientIdIssuedAt = client.CreatedAt.ToUnixTimeSeconds(),
        ClientSecretExpiresAt = secret is null ? null : 0,
        RegistrationAccessToken = registrationAccessToken,
        RegistrationClientUri = registrationClientUri,
        ClientName = client.Name,
        RedirectUris = client.RedirectUris,
        GrantTypes = client.GrantTypes,
        ResponseTypes = client.GrantTypes.Contains(GrantTypes.AuthorizationCode) ? [ResponseTypes.Code] : [],
        TokenEndpointAuthMethod = stored.TokenEndpointAuthMethod,
        // From the kind, not the registration: the portal may have moved a public app between browser and native.
        ApplicationType = client.ClientType == "public-native" ? ApplicationTypes.Native : ApplicationTypes.Web,
        Scope = string.Join(' ', client.Scopes),
        Jwks = client.Jwks,
        ClientUri = client.Website,
        LogoUri = stored.LogoUri,
        TosUri = stored.TosUri,
        PolicyUri = stored.PolicyUri,
        Contacts = stored.Contacts,
        SoftwareId = stored.SoftwareId,
        SoftwareVersion = stored.SoftwareVersion,
    };

    /// <summary>A page a person opens from the consent screen: https (http on loopback), never <c>javascript:</c> or <c>data:</c>.</summary>
    private static string? PageUri(string? value, string member)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && value.Length <= 500
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            ? value.Trim()
            : throw Invalid($"'{member}' must be an https URL of at most 500 characters.");
    }

    private static string? Bounded(string? value, string member) =>
        value is { Length: > 200 } ? throw Invalid($"'{member}' is at most 200 characters.") : value;

    /// <summary>Only the RFC 7591 API gives these, in English as an OAuth error_description is (RFC 6749 §5.2).</summary>
    private static ClientRegistrationException Invalid(string description) => new("invalid_client_metadata", ClientMessage.Protocol(description));
}
