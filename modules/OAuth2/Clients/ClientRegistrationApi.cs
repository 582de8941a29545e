using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ModularEmr.Modules.OAuth2.Accounts;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Accounts;

namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>
/// <c>/ws/oauth2/api/clients</c>: register, list, read, edit, rotate the secret of and delete clients,
/// for users holding <see cref="OAuth2Module.ManageClientsPrivilege"/>. Errors are RFC 7591 §3.2.2 bodies.
/// </summary>
public static class ClientRegistrationApi
{
    public static IEndpointRouteBuilder MapClientRegistrationApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/ws/oauth2/api/clients").DisableAntiforgery();
        api.MapGet("/", ListAsync);
        api.MapPost("/", RegisterAsync);
        api.MapGet("/{clientId}", GetAsync);
        api.MapPut("/{clientId}", UpdateAsync);
        api.MapPost("/{clientId}/secret", RotateSecretAsync);
        api.MapDelete("/{clientId}", DeleteAsync);
        return endpoints;
    }

    private static Task<IResult> ListAsync(HttpContext http, RequestAuthentication authentication, ClientRegistrations clients) =>
        AsDeveloperAsync(http, authentication, async developer => Results.Ok(await clients.ListAsync(developer, http.RequestAborted)));

    private static Task<IResult> GetAsync(string clientId, HttpContext http, RequestAuthentication authentication, ClientRegistrations clients) =>
        AsDeveloperAsync(http, authentication, async developer =>
            await clients.FindAsync(developer, clientId, http.RequestAborted) is { } client ? Results.Ok(client) : NotYours(clientId));

    private static Task<IResult> RegisterAsync(ClientRegistrationRequest? request, HttpContext http, RequestAuthentication authentication, ClientRegistrations clients) =>
        AsDeveloperAsync(http, authentication, async developer =>
        {
            var created = await clients.RegisterAsync(developer, request ?? new ClientRegistrationRequest(), http.RequestAborted);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Created($"/ws/oauth2/api/clients/{created.Client.ClientId}", created);
        });

    private static Task<IResult> UpdateAsync(string clientId, ClientRegistrationRequest? request, HttpContext http, RequestAuthentication authentication, ClientRegistrations clients) =>
        AsDeveloperAsync(http, authentication, async developer =>
            await clients.UpdateAsync(developer, clientId, request ?? new ClientRegistrationRequest(), http.RequestAborted) is { } updated ? Results.Ok(updated) : NotYours(clientId));

    private static Task<IResult> RotateSecretAsync(string clientId, HttpContext http, RequestAuthentication authentication, ClientRegistrations clients) =>
        AsDeveloperAsync(http, authentication, async developer =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return await clients.RotateSecretAsync(developer, clientId, http.RequestAborted) is { } rotated ? Results.Ok(rotated) : NotYours(clientId);
        });

    private static Task<IResult> DeleteAsync(string clientId, HttpContext http, RequestAuthentication authentication, ClientRegistrations clients) =>
        AsDeveloperAsync(http, authentication, async developer =>
            await clients.DeleteAsync(developer, clientId, http.RequestAborted) ? Results.NoContent() : NotYours(clientId));

    /// <summary>Another developer's client reads as absent: its existence is not theirs to learn.</summary>
    private static JsonHttpResult<Dictionary<string, string>> NotYours(string clientId) =>
        OAuth2Errors.Json("not_found", $"You have no client '{clientId}'.", StatusCodes.Status404NotFound);

    internal static async Task<IResult> AsDeveloperAsync(HttpContext http, RequestAuthentication authentication, Func<EmrUser, Task<IResult>> action)
    {
        var caller = await authentication.AuthenticateAsync(http);
        if (caller.User is not { } user)
        {
            return caller.Refusal(http);
        }

        if (!user.HasPrivilege(OAuth2Module.ManageClientsPrivilege))
        {
            return OAuth2Errors.Json(
                "access_denied", $"Registering clients needs the privilege '{OAuth2Module.ManageClientsPrivilege}' (role '{OAuth2Module.ClientDeveloperRole}').", StatusCodes.Status403Forbidden);
        }

        try
        {
            return await action(user);
        }
        catch (ClientRegistrationException refused)
        {
            return OAuth2Errors.Json(refused.Error, refused.Message, StatusCodes.Status400BadRequest);
        }
        catch (ClientChangedConcurrentlyException changed)
        {
            return OAuth2Errors.Json("invalid_request", changed.Message, StatusCodes.Status409Conflict);
        }
    }
}
