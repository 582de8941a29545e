using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Accounts;

namespace ModularEmr.Host.Accounts;

/// <summary>User accounts over the core database: lookups, password checks with lockout.</summary>
internal sealed class UserAccounts(
    CoreDbContext db,
    IPasswordHasher<UserAccount> hasher,
    IOptions<AccountOptions> options,
    TimeProvider clock) : IUserAccounts
{
    /// <summary>A hash of a random password: unknown users cost the same hashing work as known ones.</summary>
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<UserAccount>().HashPassword(null!, Convert.ToBase64String(Guid.NewGuid().ToByteArray())));

    public Task<EmrUser?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        var normalized = Normalize(username);
        return FindAsync(db.Users.Where(u => u.NormalizedUsername == normalized), cancellationToken);
    }

    public Task<EmrUser?> FindByUuidAsync(Guid uuid, CancellationToken cancellationToken = default) =>
        FindAsync(db.Users.Where(u => u.Uuid == uuid), cancellationToken);

    public async Task<PasswordCheck> CheckPasswordAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        var normalized = Normalize(username ?? string.Empty);
        var account = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken);
        if (account is null)
        {
            hasher.VerifyHashedPassword(null!, DecoyHash.Value, password ?? string.Empty);
            return new PasswordCheck(PasswordCheckOutcome.Failed);
        }

        var verdict = hasher.VerifyHashedPassword(account, account.PasswordHash, password ?? string.Empty);
        var now = clock.GetUtcNow();
        if (account.LockoutUntil is { } until && until > now)
        {
            // Locked: even the right password is refused, and the failure count is not moved.
            return new PasswordCheck(PasswordCheckOutcome.LockedOut);
        }

        if (account.Retired)
        {
            return new PasswordCheck(PasswordCheckOutcome.Failed);
        }

        if (verdict == PasswordVerificationResult.Failed)
        {
            return await RecordFailureAsync(account.Id, now, cancellationToken);
        }

        var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? hasher.HashPassword(account, password!) : account.PasswordHash;
        await db.Users.Where(u => u.Id == account.Id).ExecuteUpdateAsync(
            set => set.SetProperty(u => u.FailedLoginAttempts, 0).SetProperty(u => u.LockoutUntil, (DateTimeOffset?)null).SetProperty(u => u.PasswordHash, rehash),
            cancellationToken);
        return new PasswordCheck(PasswordCheckOutcome.Succeeded, await FindByUuidAsync(account.Uuid, cancellationToken));
    }

    public async Task<IReadOnlyList<EmrUser>> SearchAsync(string? query, int startIndex, int limit, CancellationToken cancellationToken = default)
    {
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query))
        {
            var prefix = Normalize(query);
            users = users.Where(u => u.NormalizedUsername.StartsWith(prefix));
        }

        var page = await users.Include(u => u.Person).Include(u => u.Roles).ThenInclude(r => r.Privileges).AsSplitQuery()
            .OrderBy(u => u.NormalizedUsername).Skip(startIndex).Take(limit).ToListAsync(cancellationToken);
        return page.Select(ToUser).ToList();
    }

    public async Task<IReadOnlyList<RoleInfo>> ListRolesAsync(CancellationToken cancellationToken = default)
    {
        var roles = await db.Roles.AsNoTracking().Include(r => r.Privileges).OrderBy(r => r.Name).ToListAsync(cancellationToken);
        return roles.Select(r => new RoleInfo(r.Uuid, r.Name, r.Description, r.Privileges.Select(p => p.Name).Order(StringComparer.Ordinal).ToList())).ToList();
    }

    internal static string Normalize(string username) => username.Trim().ToUpperInvariant();

    /// <summary>Counts the failure atomically, so parallel guesses cannot slip past the limit.</summary>
    private async Task<PasswordCheck> RecordFailureAsync(int accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lockout = options.Value.Lockout;
        await db.Users.Where(u => u.Id == accountId).ExecuteUpdateAsync(
            set => set.SetProperty(u => u.FailedLoginAttempts, u => u.FailedLoginAttempts + 1), cancellationToken);
        var locked = await db.Users.Where(u => u.Id == accountId && u.FailedLoginAttempts >= lockout.MaxFailedAttempts).ExecuteUpdateAsync(
            set => set.SetProperty(u => u.FailedLoginAttempts, 0).SetProperty(u => u.LockoutUntil, now + lockout.Duration), cancellationToken);
        return new PasswordCheck(locked > 0 ? PasswordCheckOutcome.LockedOut : PasswordCheckOutcome.Failed);
    }

    private static async Task<EmrUser?> FindAsync(IQueryable<UserAccount> query, CancellationToken cancellationToken)
    {
        var account = await query.AsNoTracking()
            .Include(u => u.Person)
            .Include(u => u.Roles).ThenInclude(r => r.Privileges)
            .AsSplitQuery()
            .SingleOrDefaultAsync(cancellationToken);
        return account is null ? null : ToUser(account);
    }

    internal static EmrUser ToUser(UserAccount account) => new(
        account.Uuid,
        account.Username,
        account.Person?.Uuid,
        account.Retired,
        account.Roles.Select(r => r.Name).ToHashSet(StringComparer.Ordinal),
        account.Roles.SelectMany(r => r.Privileges).Select(p => p.Name).ToHashSet(StringComparer.Ordinal));
}
