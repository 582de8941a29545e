using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Host.Accounts;

/// <summary>The host's sign-in cookie. The cookie carries only the user's uuid; everything else is reloaded.</summary>
internal sealed class UserSignIn(IUserAccounts accounts) : IUserSignIn
{
    public async Task<PasswordCheck> PasswordSignInAsync(HttpContext context, string username, string password, bool persistent, CancellationToken cancellationToken = default)
    {
        var check = await accounts.CheckPasswordAsync(username, password, cancellationToken);
        if (check.Succeeded)
        {
            var identity = new ClaimsIdentity(
                [new Claim(EmrClaimTypes.Subject, check.User!.Uuid.ToString()), new Claim(EmrClaimTypes.Name, check.User.Username)],
                IUserSignIn.CookieScheme,
                EmrClaimTypes.Name,
                EmrClaimTypes.Role);
            await context.SignInAsync(IUserSignIn.CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = persistent });
        }

        return check;
    }

    public Task SignOutAsync(HttpContext context) => context.SignOutAsync(IUserSignIn.CookieScheme);

    public async Task<EmrUser?> GetSignedInUserAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        var result = await context.AuthenticateAsync(IUserSignIn.CookieScheme);
        if (!result.Succeeded || !Guid.TryParse(result.Principal.FindFirstValue(EmrClaimTypes.Subject), out var uuid))
        {
            return null;
        }

        var user = await accounts.FindByUuidAsync(uuid, cancellationToken);
        return user is { Retired: false } ? user : null;
    }
}
