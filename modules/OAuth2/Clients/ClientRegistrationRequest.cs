using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>What a developer sends to register or edit a client (JSON API and portal form alike).</summary>
public sealed record ClientRegistrationRequest
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? Website { get; init; }

    /// <summary>Where the EHR opens the app for an EHR launch (SMART App Launch 2.2); <c>iss</c> and <c>launch</c> are added to it.</summary>
    public string? LaunchUri { get; init; }

    /// <summary><c>confidential-web</c>, <c>confidential-asymmetric</c>, <c>public-browser</c> or <c>public-native</c>.</summary>
    public string? ClientType { get; init; }

    public IReadOnlyList<string>? RedirectUris { get; init; }

    /// <summary>Origins of the app's pages (<c>https://app.example</c>) allowed to call this server from a browser (CORS).</summary>
    public IReadOnlyList<string>? AllowedOrigins { get; init; }

    /// <summary>The client's public keys (RFC 7517 JWK Set), for <c>confidential-asymmetric</c> clients only.</summary>
    /// <remarks>Bound as raw JSON: a member repeated in another letter case must reach validation, not fail binding.</remarks>
    public JsonElement? Jwks { get; init; }

    /// <summary><c>authorization_code</c>, <c>refresh_token</c>, <c>client_credentials</c>, <c>implicit</c>, <c>password</c>.</summary>
    public IReadOnlyList<string>? GrantTypes { get; init; }

    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>Must be true: the developer accepts the terms of use.</summary>
    public bool AcceptTerms { get; init; }

    /// <summary>Must be true to choose <c>implicit</c> or <c>password</c>, which RFC 9700 discourages.</summary>
    public bool AcceptDiscouragedGrants { get; init; }
}

/// <summary>A registered client as its developer sees it; the secret never appears here.</summary>
public sealed record ClientView(
    string ClientId,
    string Name,
    string? Description,
    string? Website,
    string? LaunchUri,
    string ClientType,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> Scopes,
    JsonObject? Jwks,
    IReadOnlyList<string> AllowedOrigins,
    Guid? Owner,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt);

/// <summary>The answer to a registration or a secret rotation: the only time the secret is shown.</summary>
/// <param name="Notes">Warnings the registration passed with, in any language (the portal's page); <see cref="Warnings"/> in English (the APIs).</param>
public sealed record ClientWithSecret(ClientView Client, string? ClientSecret, [property: JsonIgnore] IReadOnlyList<ClientMessage> Notes)
{
    public IReadOnlyList<string> Warnings => Notes.Select(note => note.InEnglish()).ToList();
}

/// <summary>A registration was refused; RFC 7591 §3.2.2 error codes.</summary>
/// <remarks>The exception's message is the English description, for the APIs; <see cref="Text"/> says it in any language, for the portal.</remarks>
public sealed class ClientRegistrationException(string error, ClientMessage text) : Exception(text.InEnglish())
{
    public string Error { get; } = error;

    public ClientMessage Text { get; } = text;
}
