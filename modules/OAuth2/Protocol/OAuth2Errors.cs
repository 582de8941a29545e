using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Server.AspNetCore;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// Protocol errors handed back to OpenIddict, which writes them as RFC 6749 requires: JSON at the token
/// endpoint (§5.2), a redirect to the verified redirect URI at the authorization endpoint (§4.1.2.1); and the
/// same <c>error</c>/<c>error_description</c> body for the module's own JSON APIs.
/// </summary>
internal static class OAuth2Errors
{
    /// <summary>An RFC 6749 §5.2-shaped error body (RFC 7591 §3.2.2 uses the same) with <paramref name="status"/>.</summary>
    public static JsonHttpResult<Dictionary<string, string>> Json(string error, string description, int status) =>
        TypedResults.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);

    public static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
