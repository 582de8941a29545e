using Microsoft.AspNetCore.Http;

namespace ModularEmr.Sdk.Accounts;

/// <summary>The host's user accounts, as modules may use them.</summary>
public interface IUserAccounts
{
    /// <summary>The user with this username (case-insensitive), or null.</summary>
    Task<EmrUser?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>The user with this uuid, or null.</summary>
    Task<EmrUser?> FindByUuidAsync(Guid uuid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks a password and keeps the lockout count: after too many failures in a row the account is
    /// locked for a while, and even the right password is refused until then. An unknown user costs
    /// the same password hashing work as a known one.
    /// </summary>
    Task<PasswordCheck> CheckPasswordAsync(string username, string password, CancellationToken cancellationToken = default);

    /// <summary>Users whose username starts with <paramref name="query"/>'s text (all when null), by username.</summary>
    Task<IReadOnlyList<EmrUser>> SearchAsync(string? query, int startIndex, int limit, CancellationToken cancellationToken = default);

    /// <summary>All roles, with their privileges.</summary>
    Task<IReadOnlyList<RoleInfo>> ListRolesAsync(CancellationToken cancellationToken = default);
}

/// <summary>The outcome of a password check.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="User">The user, only when <paramref name="Outcome"/> is <see cref="PasswordCheckOutcome.Succeeded"/>.</param>
public sealed record PasswordCheck(PasswordCheckOutcome Outcome, EmrUser? User = null)
{
    /// <summary>True when the password was right and the account may sign in.</summary>
    public bool Succeeded => Outcome == PasswordCheckOutcome.Succeeded;
}

/// <summary>What a password check found. Show users one message for every failure.</summary>
public enum PasswordCheckOutcome
{
    /// <summary>The password is right and the account is usable.</summary>
    Succeeded,

    /// <summary>Unknown user, wrong password or retired account.</summary>
    Failed,

    /// <summary>Too many failures: the account is locked for now.</summary>
    LockedOut,
}

/// <summary>The host's cookie sign-in, used by modules' HTML pages.</summary>
public interface IUserSignIn
{
    /// <summary>The authentication scheme of the host's sign-in cookie.</summary>
    public const string CookieScheme = "Emr.Cookie";

    /// <summary>Checks the password (see <see cref="IUserAccounts.CheckPasswordAsync"/>) and, on success, issues the sign-in cookie.</summary>
    Task<PasswordCheck> PasswordSignInAsync(HttpContext context, string username, string password, bool persistent, CancellationToken cancellationToken = default);

    /// <summary>Removes the sign-in cookie.</summary>
    Task SignOutAsync(HttpContext context);

    /// <summary>The signed-in user of <paramref name="context"/>, reloaded from the database, or null.</summary>
    Task<EmrUser?> GetSignedInUserAsync(HttpContext context, CancellationToken cancellationToken = default);
}
