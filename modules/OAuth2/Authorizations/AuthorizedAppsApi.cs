using Microsoft.AspNetCore.Antiforgery;
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
        endpoints.MapPost(PagePath + "/{clientId}/revoke", RevokeFromPageAsync).DisableAntiforgery();
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

    private static async Task<IResult> PageAsync(HttpContext http, IUserSignIn signIn, UserAuthorizations authorizations, IAntiforgery antiforgery)
    {
        if (await signIn.GetSignedInUserAsync(http, http.RequestAborted) is not { } user)
        {
            return Results.Redirect($"{LoginPage.Path}?returnUrl={Uri.EscapeDataString(PagePath)}");
        }

        var apps = await authorizations.ListAsync(user.Uuid, http.RequestAborted);
        var field = Html.AntiforgeryField(antiforgery, http);
        var rows = string.Concat(apps.Select(a => $"""
            <tr data-client="{Html.Encode(a.ClientId)}"><td>{Html.Encode(a.Name)}</td><td>{Html.Encode(string.Join(" ", a.Scopes))}</td><td>{a.AuthorizedAt:yyyy-MM-dd HH:mm} UTC</td>
            <td><form method="post" action="{PagePath}/{Html.Encode(a.ClientId)}/revoke">{field}<button type="submit">Revoke</button></form></td></tr>
            """));
        var body = apps.Count == 0
            ? "<p>You have not authorized any app.</p>"
            : $"<table id=\"apps\"><tr><th>App</th><th>May</th><th>Since</th><th></th></tr>{rows}</table><p>Revoking an app ends its access at once.</p>";
        return Html.Page("Your authorized apps", $"<p>Signed in as {Html.Encode(user.Username)}.</p>{body}");
    }

    private static async Task<IResult> RevokeFromPageAsync(string clientId, HttpContext http, IUserSignIn signIn, UserAuthorizations authorizations, IAntiforgery antiforgery)
    {
        if (await signIn.GetSignedInUserAsync(http, http.RequestAborted) is not { } user)
        {
            return Results.Redirect($"{LoginPage.Path}?returnUrl={Uri.EscapeDataString(PagePath)}");
        }

        if (await Html.RefuseForgedAsync(antiforgery, http) is { } forged)
        {
            return forged;
        }

        await authorizations.RevokeAsync(user.Uuid, clientId, http.RequestAborted);
        return Results.Redirect(PagePath);
    }
}
