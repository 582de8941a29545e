using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using ModularEmr.Modules.OAuth2.Clients;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>
/// Dynamic client registration: RFC 7591 at <c>POST /ws/oauth2/register</c>, with an initial access token unless
/// the operator opened registration (<see cref="OAuth2Options.DynamicRegistration"/>), and RFC 7592 management of
/// the registered client at <c>/ws/oauth2/register/{client_id}</c> with its registration access token. A client
/// registered here meets the portal's rules and shows in its developer's portal.
/// </summary>
public static class DynamicRegistrationApi
{
    public const string Path = "/ws/oauth2/register";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public static IEndpointRouteBuilder MapDynamicRegistrationApi(this IEndpointRouteBuilder endpoints)
    {
        var register = endpoints.MapGroup(Path).DisableAntiforgery();
        register.MapPost("/", RegisterAsync);
        register.MapGet("/{clientId}", ReadAsync);
        register.MapPut("/{clientId}", UpdateAsync);
        register.MapDelete("/{clientId}", DeleteAsync);
        return endpoints;
    }

    private static async Task<Results<Created<ClientInformation>, JsonHttpResult<Dictionary<string, string>>>> RegisterAsync(
        HttpContext http, [AsParameters] RegistrationServices services)
    {
        var initialToken = BearerToken(http.Request);
        Guid? owner = null;
        if (initialToken is not null)
        {
            if (await services.InitialTokens.FindDeveloperAsync(initialToken, http.RequestAborted) is not { } developer)
            {
                return InvalidToken(http, "The initial access token is unknown, expired or used up; ask an administrator for a new one.");
            }

            owner = developer.Uuid;
        }
        else if (services.Options.Value.DynamicRegistration != RegistrationPolicy.Open)
        {
            return InvalidToken(http, "Registration needs an initial access token (RFC 7591 §3), made by an administrator with 'clients initial-token'.");
        }

        var (metadata, unreadable) = await ReadMetadataAsync(http.Request);
        if (metadata is null)
        {
            return Refusal("invalid_client_metadata", unreadable!);
        }

        if (metadata.ClientId is not null || metadata.ClientSecret is not null)
        {
            return Refusal("invalid_client_metadata", "'client_id' and 'client_secret' are issued by the server, not chosen by the client.");
        }

        try
        {
            var (request, stored) = ClientMetadataRules.ToRegistration(metadata);
            if (owner is null && ClientMetadataRules.NeedsInitialToken(request) is { } why)
            {
                return Refusal("invalid_client_metadata", why);
            }

            var registrationToken = OpaqueToken.Create();
            Func<CancellationToken, Task<bool>>? claim = initialToken is null ? null : cancel => services.InitialTokens.TryClaimAsync(initialToken, cancel);
            var created = await services.Clients.RegisterAsync(
                owner, request, new DynamicRegistration(OpaqueToken.Hash(registrationToken), JsonSerializer.Serialize(stored, Json), claim), http.RequestAborted);
            var uri = ClientUri(http, services.Origin, created.Client.ClientId);
            NoStore(http);
            return TypedResults.Created(uri, ClientMetadataRules.ToInformation(created.Client, stored, registrationToken, uri, created.ClientSecret));
        }
        catch (ClientRegistrationException refused)
        {
            return Refusal(refused.Error, refused.Message);
        }
        catch (RegistrationAccessRefusedException)
        {
            return InvalidToken(http, "The initial access token was used up by another registration meanwhile.");
        }
    }

    private static async Task<Results<Ok<ClientInformation>, JsonHttpResult<Dictionary<string, string>>>> ReadAsync(
        string clientId, HttpContext http, [AsParameters] RegistrationServices services)
    {
        if (await FindAsync(http, services, clientId) is not { } found)
        {
            return NotRegistered(http);
        }

        NoStore(http);
        return TypedResults.Ok(ClientMetadataRules.ToInformation(found.Client, found.Stored, found.Token, ClientUri(http, services.Origin, clientId), secret: null));
    }

    private static async Task<Results<Ok<ClientInformation>, JsonHttpResult<Dictionary<string, string>>>> UpdateAsync(
        string clientId, HttpContext http, [AsParameters] RegistrationServices services)
    {
        if (await FindAsync(http, services, clientId) is not { } found)
        {
            return NotRegistered(http);
        }

        var (metadata, unreadable) = await ReadMetadataAsync(http.Request);
        if (metadata is null)
        {
            return Refusal("invalid_client_metadata", unreadable!);
        }

        if (metadata.ClientId != clientId)
        {
            return Refusal("invalid_client_metadata", $"'client_id' must be sent, equal to '{clientId}' (RFC 7592 §2.2).");
        }

        if (metadata.ClientSecret is { } secret && !await services.Clients.IsCurrentSecretAsync(clientId, secret, http.RequestAborted))
        {
            return Refusal("invalid_client_metadata", "'client_secret' is not the client's current secret; a client cannot choose its own (RFC 7592 §2.2).");
        }

        try
        {
            var (request, stored) = ClientMetadataRules.ToRegistration(metadata);
            var updated = await services.Clients.UpdateRegisteredAsync(clientId, OpaqueToken.Hash(found.Token), request, JsonSerializer.Serialize(stored, Json), http.RequestAborted);
            if (updated is null)
            {
                return NotRegistered(http);
            }

            NoStore(http);
            return TypedResults.Ok(ClientMetadataRules.ToInformation(updated.Client, stored, found.Token, ClientUri(http, services.Origin, clientId), secret: null));
        }
        catch (ClientRegistrationException refused)
        {
            return Refusal(refused.Error, refused.Message);
        }
        catch (RegistrationAccessRefusedException)
        {
            return NotRegistered(http);
        }
        catch (ClientChangedConcurrentlyException changed)
        {
            return Conflict(changed.Message);
        }
    }

    private static async Task<Results<NoContent, JsonHttpResult<Dictionary<string, string>>>> DeleteAsync(
        string clientId, HttpContext http, [AsParameters] RegistrationServices services)
    {
        try
        {
            return BearerToken(http.Request) is { } token && await services.Clients.DeleteRegisteredAsync(clientId, OpaqueToken.Hash(token), http.RequestAborted)
                ? TypedResults.NoContent()
                : NotRegistered(http);
        }
        catch (ClientChangedConcurrentlyException changed)
        {
            return Conflict(changed.Message);
        }
    }

    /// <summary>The client whose registration access token the request bears, with that token (RFC 7592 §3 returns it with each answer).</summary>
    private static async Task<(ClientView Client, StoredClientMetadata Stored, string Token)?> FindAsync(HttpContext http, RegistrationServices services, string clientId)
    {
        if (BearerToken(http.Request) is not { } token)
        {
            return null;
        }

        return await services.Clients.FindRegisteredAsync(clientId, OpaqueToken.Hash(token), http.RequestAborted) is { Metadata: { } metadata } found
            && JsonSerializer.Deserialize<StoredClientMetadata>(metadata, Json) is { } stored
            ? (found.Client, stored, token)
            : null;
    }

    private static async Task<(ClientMetadata? Metadata, string? Problem)> ReadMetadataAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            return (null, "Send the client metadata as a JSON object, with 'Content-Type: application/json' (RFC 7591 §3.1).");
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<ClientMetadata>(request.Body, Json, request.HttpContext.RequestAborted) is { } metadata
                ? (metadata, null)
                : (null, "The body must be a JSON object of client metadata.");
        }
        catch (JsonException ex)
        {
            // The reader's message names the member and position, never a value it could not read.
            return (null, $"The client metadata is not valid: {ex.Message}");
        }
    }

    /// <summary>RFC 6750 §2.1: the token in the Authorization header only; never from a query string.</summary>
    private static string? BearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header[7..].Trim() is { Length: > 0 } token
            ? token
            : null;

    private static string ClientUri(HttpContext http, IPublicOrigin origin, string clientId) => $"{origin.For(http.Request)}{Path}/{Uri.EscapeDataString(clientId)}";

    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
    }

    private static JsonHttpResult<Dictionary<string, string>> Refusal(string error, string description) =>
        OAuth2Errors.Json(error, description, StatusCodes.Status400BadRequest);

    private static JsonHttpResult<Dictionary<string, string>> Conflict(string description) =>
        OAuth2Errors.Json("invalid_request", description, StatusCodes.Status409Conflict);

    /// <summary>RFC 7592 §2: an unknown client and a wrong token get the same answer, so neither reveals the other.</summary>
    private static JsonHttpResult<Dictionary<string, string>> NotRegistered(HttpContext http) =>
        InvalidToken(http, "The registration access token is not valid for this client.");

    /// <summary>
    /// RFC 6750 §3: 401 with <c>WWW-Authenticate: Bearer</c>; the error code only when a token was presented (§3.1).
    /// The description stays in the body: a header value must be plain ASCII, and Kestrel refuses any other.
    /// </summary>
    private static JsonHttpResult<Dictionary<string, string>> InvalidToken(HttpContext http, string description)
    {
        http.Response.Headers.WWWAuthenticate = BearerToken(http.Request) is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        return OAuth2Errors.Json("invalid_token", description, StatusCodes.Status401Unauthorized);
    }
}
