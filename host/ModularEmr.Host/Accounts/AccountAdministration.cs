using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;

namespace ModularEmr.Host.Accounts;

/// <summary>An administrator's changes to accounts (the CLI and demo seeding use it).</summary>
internal sealed class AccountAdministration(CoreDbContext db, IPasswordHasher<UserAccount> hasher, TimeProvider clock)
{
    public async Task<UserAccount> CreateUserAsync(string username, string password, IReadOnlyCollection<string> roles, int? personId, CancellationToken cancellationToken)
    {
        username = username.Trim();
        if (username.Length is 0 or > 50 || username.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new AccountException($"'{username}' is not a valid username (1 to 50 characters, no spaces)");
        }

        var normalized = UserAccounts.Normalize(username);
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalized, cancellationToken))
        {
            throw new AccountException($"user '{username}' already exists");
        }

        CheckPassword(password, username);
        var account = new UserAccount
        {
            Username = username,
            NormalizedUsername = normalized,
            PasswordHash = string.Empty,
            PersonId = personId,
            DateCreated = clock.GetUtcNow(),
        };
        account.PasswordHash = hasher.HashPassword(account, password);
        account.Roles.AddRange(await FindRolesAsync(roles, cancellationToken));
        db.Users.Add(account);
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }

    public async Task SetPasswordAsync(string username, string password, CancellationToken cancellationToken)
    {
        var account = await FindAsync(username, cancellationToken);
        CheckPassword(password, account.Username);
        account.PasswordHash = hasher.HashPassword(account, password);
        account.FailedLoginAttempts = 0;
        account.LockoutUntil = null;
        account.DateChanged = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task GrantRolesAsync(string username, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var account = await FindAsync(username, cancellationToken);
        foreach (var role in await FindRolesAsync(roles, cancellationToken))
        {
            if (!account.Roles.Contains(role))
            {
                account.Roles.Add(role);
            }
        }

        account.DateChanged = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Gives <paramref name="privileges"/> to the role <paramref name="roleName"/> (a module's new privilege to
    /// an existing role, say); every user holding the role has them on their next request.
    /// </summary>
    /// <returns>The privileges the role did not hold before.</returns>
    public async Task<IReadOnlyList<string>> GrantPrivilegesAsync(string roleName, IReadOnlyCollection<string> privileges, CancellationToken cancellationToken)
    {
        var role = await db.Roles.Include(r => r.Privileges).SingleOrDefaultAsync(r => r.Name == roleName, cancellationToken)
            ?? throw new AccountException($"no role named '{roleName}'; roles are: {string.Join(", ", await db.Roles.OrderBy(r => r.Name).Select(r => r.Name).ToListAsync(cancellationToken))}");
        var found = await db.Privileges.Where(p => privileges.Contains(p.Name)).ToListAsync(cancellationToken);
        var unknown = privileges.Except(found.Select(p => p.Name), StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            // The names modules declared: a typo here would otherwise grant nothing and say nothing.
            var known = await db.Privileges.OrderBy(p => p.Name).Select(p => p.Name).ToListAsync(cancellationToken);
            throw new AccountException($"no privilege named {string.Join(", ", unknown.Select(u => $"'{u}'"))}; privileges are: {string.Join(", ", known)}");
        }

        var added = found.Where(p => !role.Privileges.Contains(p)).ToList();
        role.Privileges.AddRange(added);
        await db.SaveChangesAsync(cancellationToken);
        return added.Select(p => p.Name).ToList();
    }

    public async Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().Include(u => u.Roles).OrderBy(u => u.Username).ToListAsync(cancellationToken);

    /// <summary>True when the user exists and <paramref name="password"/> is still its password.</summary>
    public async Task<bool> HasPasswordAsync(string username, string password, CancellationToken cancellationToken)
    {
        var normalized = UserAccounts.Normalize(username);
        var account = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken);
        return account is not null && hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;
    }

    private async Task<UserAccount> FindAsync(string username, CancellationToken cancellationToken)
    {
        var normalized = UserAccounts.Normalize(username);
        return await db.Users.Include(u => u.Roles).SingleOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken)
            ?? throw new AccountException($"user '{username}' does not exist");
    }

    private async Task<List<Role>> FindRolesAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var roles = await db.Roles.Where(r => names.Contains(r.Name)).ToListAsync(cancellationToken);
        var unknown = names.Except(roles.Select(r => r.Name), StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            var known = await db.Roles.OrderBy(r => r.Name).Select(r => r.Name).ToListAsync(cancellationToken);
            throw new AccountException($"no role named {string.Join(", ", unknown.Select(u => $"'{u}'"))}; roles are: {string.Join(", ", known)}");
        }

        return roles;
    }

    private static void CheckPassword(string password, string username)
    {
        if (PasswordPolicy.Check(password, username) is { } problem)
        {
            throw new AccountException(problem);
        }
    }
}

/// <summary>An account change was refused; the message says why.</summary>
internal sealed class AccountException(string message) : Exception(message);
