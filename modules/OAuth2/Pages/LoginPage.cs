using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModularEmr.Sdk.Accounts;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>
/// The authentication step of the authorization flow (<c>/ws/oauth2/authenticate_user</c>), also the
/// host's login page. One message for every failure, as OpenMRS does: it tells an attacker nothing.
/// </summary>
public static class LoginPage
{
    public const string Path = "/ws/oauth2/authenticate_user";
    public const string FailureMessage = "Invalid username or password. Please try again.";

    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, Show);
        endpoints.MapPost(Path, SignInAsync).DisableAntiforgery();
        return endpoints;
    }

    private static IResult Show(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? signedOut) =>
        Render(http, antiforgery, returnUrl, signedOut is null ? null : "You are signed out.", error: null);

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, IUserSignIn signIn)
    {
        if (await Html.RefuseForgedAsync(antiforgery, http) is { } forged)
        {
            return forged;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        var result = await signIn.PasswordSignInAsync(http, form["username"].ToString(), form["password"].ToString(), persistent: false, http.RequestAborted);
        if (!result.Succeeded)
        {
            return Render(http, antiforgery, returnUrl, notice: null, FailureMessage, StatusCodes.Status401Unauthorized);
        }

        return Results.Redirect(Html.IsLocalUrl(returnUrl) ? returnUrl : "/ws/oauth2/authorizations");
    }

    private static IResult Render(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? notice, string? error, int status = StatusCodes.Status200OK)
    {
        var body = $"""
            {(notice is null ? string.Empty : $"<p>{Html.Encode(notice)}</p>")}
            {Html.Error(error)}
            <form method="post" action="{Path}">
              {Html.AntiforgeryField(antiforgery, http)}
              {Html.Hidden("returnUrl", Html.IsLocalUrl(returnUrl) ? returnUrl : null)}
              <label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" required autofocus>
              <label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form>
            """;
        return Html.Page("Sign in to ModularEmr", body, status);
    }
}
