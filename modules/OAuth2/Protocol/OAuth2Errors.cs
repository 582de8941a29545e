using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenIddict.Server.AspNetCore;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// Protocol errors handed back to OpenIddict, which writes them as RFC 6749 requires: JSON at the token
/// endpoint (§5.2), a redirect to the verified redirect URI at the authorization endpoint (§4.1.2.1).
/// </summary>
internal static class OAuth2Errors
{
    public static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
