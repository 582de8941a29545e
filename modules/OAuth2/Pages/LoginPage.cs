using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>
/// The authentication step of the authorization flow (<c>/ws/oauth2/authenticate_user</c>), also the
/// host's login page. One message for every failure, as OpenMRS does: it tells an attacker nothing.
/// </summary>
public static class LoginPage
{
    public const string Path = "/ws/oauth2/authenticate_user";

    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, Show);
        endpoints.MapPost(Path, SignInAsync).RequireAntiforgery();
        return endpoints;
    }

    private static RazorComponentResult<LoginView> Show(string? returnUrl, string? signedOut) =>
        Render(returnUrl, signedOut: signedOut is not null, failed: false);

    private static async Task<IResult> SignInAsync(HttpContext http, IUserSignIn signIn)
    {
        if (!FormAntiforgery.Passed(http))
        {
            return FormAntiforgery.Expired();
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        var result = await signIn.PasswordSignInAsync(http, form["username"].ToString(), form["password"].ToString(), persistent: false, http.RequestAborted);
        if (!result.Succeeded)
        {
            return Render(returnUrl, signedOut: false, failed: true, StatusCodes.Status401Unauthorized);
        }

        return Results.Redirect(LocalUrl.IsLocal(returnUrl) ? returnUrl : "/ws/oauth2/authorizations");
    }

    private static RazorComponentResult<LoginView> Render(string? returnUrl, bool signedOut, bool failed, int status = StatusCodes.Status200OK) =>
        PageResults.Of<LoginView>(new { ReturnUrl = LocalUrl.IsLocal(returnUrl) ? returnUrl : null, SignedOut = signedOut, Failed = failed }, status);
}
