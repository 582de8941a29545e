using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using ModularEmr.Sdk.Accounts;

namespace ModularEmr.Modules.OAuth2.Accounts;

/// <summary>
/// Who calls the module's JSON APIs: a user signed in with the host's cookie (unsafe methods then need
/// the antiforgery header, as a browser script would send), or HTTP Basic credentials for scripts
/// (the password check keeps the lockout count).
/// </summary>
public sealed class RequestAuthentication(IUserSignIn signIn, IUserAccounts accounts, IAntiforgery antiforgery)
{
    public async Task<CallerResult> AuthenticateAsync(HttpContext http)
    {
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter ?? string.Empty));
            }
            catch (FormatException)
            {
                return CallerResult.Unauthenticated("The Basic credentials are not valid base64.");
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return CallerResult.Unauthenticated("The Basic credentials must be 'username:password'.");
            }

            var check = await accounts.CheckPasswordAsync(decoded[..colon], decoded[(colon + 1)..], http.RequestAborted);
            return check.Succeeded ? CallerResult.Authenticated(check.User!) : CallerResult.Unauthenticated("Invalid username or password.");
        }

        var user = await signIn.GetSignedInUserAsync(http, http.RequestAborted);
        if (user is null)
        {
            return CallerResult.Unauthenticated("Sign in, or send HTTP Basic credentials.");
        }

        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            try
            {
                await antiforgery.ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                return CallerResult.Forged();
            }
        }

        return CallerResult.Authenticated(user);
    }
}

/// <summary>The caller, or why there is none.</summary>
public sealed record CallerResult(EmrUser? User, int Status, string? Error, string? Description)
{
    public static CallerResult Authenticated(EmrUser user) => new(user, StatusCodes.Status200OK, null, null);

    public static CallerResult Unauthenticated(string description) => new(null, StatusCodes.Status401Unauthorized, "unauthorized", description);

    public static CallerResult Forged() => new(null, StatusCodes.Status400BadRequest, "invalid_request", "The antiforgery token is missing or invalid.");

    /// <summary>The JSON error for a refused caller, with the Basic challenge where credentials would help.</summary>
    public IResult Refusal(HttpContext http)
    {
        if (Status == StatusCodes.Status401Unauthorized)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"ModularEmr\", charset=\"UTF-8\"";
        }

        return Results.Json(new Dictionary<string, string?> { ["error"] = Error, ["error_description"] = Description }, statusCode: Status);
    }
}
