using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModularEmr.Modules.OAuth2.Accounts;
using ModularEmr.Modules.OAuth2.Pages;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Accounts;

namespace ModularEmr.Modules.OAuth2.Authorizations;

/// <summary><c>/ws/oauth2/api/authorizations</c> (JSON) and <c>/ws/oauth2/authorizations</c> (HTML): a user's authorized apps.</summary>
public static class AuthorizedAppsApi
{
    public const string PagePath = "/ws/oauth2/authorizations";

    public static IEndpointRouteBuilder MapAuthorizedAppsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/ws/oauth2/api/authorizations").DisableAntiforgery();
        api.MapGet("/", ListAsync);
        api.MapDelete("/{clientId}", RevokeAsync);
        return endpoints;
    }

    public static IEndpointRouteBuilder MapAuthorizedAppsPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(PagePath, PageAsync);
        endpoints.MapPost(PagePath + "/{clientId}/revoke", RevokeFromPageAsync).RequireAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ListAsync(HttpContext http, RequestAuthentication authentication, UserAuthorizations authorizations)
    {
        var caller = await authentication.AuthenticateAsync(http);
        return caller.User is { } user ? Results.Ok(await authorizations.ListAsync(user.Uuid, http.RequestAborted)) : caller.Refusal(http);
    }

    private static async Task<IResult> RevokeAsync(string clientId, HttpContext http, RequestAuthentication authentication, UserAuthorizations authorizations)
    {
        var caller = await authentication.AuthenticateAsync(http);
        if (caller.User is not { } user)
        {
            return caller.Refusal(http);
        }

        return await authorizations.RevokeAsync(user.Uuid, clientId, http.RequestAborted)
            ? Results.NoContent()
            : OAuth2Errors.Json("not_found", $"You have not authorized '{clientId}'.", StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> PageAsync(HttpContext http, IUserSignIn signIn, UserAuthorizations authorizations)
    {
        if (await signIn.GetSignedInUserAsync(http, http.RequestAborted) is not { } user)
        {
            return Results.Redirect($"{LoginPage.Path}?returnUrl={Uri.EscapeDataString(PagePath)}");
        }

        return PageResults.Of<AuthorizedAppsView>(new { UserName = user.Username, Apps = await authorizations.ListAsync(user.Uuid, http.RequestAborted) });
    }

    private static async Task<IResult> RevokeFromPageAsync(string clientId, HttpContext http, IUserSignIn signIn, UserAuthorizations authorizations)
    {
        if (await signIn.GetSignedInUserAsync(http, http.RequestAborted) is not { } user)
        {
            return Results.Redirect($"{LoginPage.Path}?returnUrl={Uri.EscapeDataString(PagePath)}");
        }

        if (!FormAntiforgery.Passed(http))
        {
            return FormAntiforgery.Expired();
        }

        await authorizations.RevokeAsync(user.Uuid, clientId, http.RequestAborted);
        return Results.Redirect(PagePath);
    }
}
