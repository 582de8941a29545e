using Microsoft.EntityFrameworkCore;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Accounts;

namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>
/// Initial access tokens (RFC 7591 §3): made by an administrator for one developer, with an expiry and a
/// number of uses. A use is claimed by one conditional update in the registration's own transaction, so a
/// refused registration costs no use and racing registrations never exceed the count, on any instance.
/// </summary>
public sealed class InitialAccessTokens(OAuth2DbContext db, IUserAccounts accounts, TimeProvider clock)
{
    public async Task<string> CreateAsync(string developerUsername, TimeSpan lifetime, int uses, CancellationToken cancellationToken)
    {
        var developer = await accounts.FindByUsernameAsync(developerUsername, cancellationToken)
            ?? throw new InitialAccessTokenException($"There is no user '{developerUsername}'.");
        if (!developer.HasPrivilege(OAuth2Module.ManageClientsPrivilege))
        {
            throw new InitialAccessTokenException($"'{developerUsername}' cannot own clients: grant the role '{OAuth2Module.ClientDeveloperRole}' first.");
        }

        var token = OpaqueToken.Create();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        db.InitialAccessTokens.Add(new InitialAccessToken
        {
            TokenHash = OpaqueToken.Hash(token),
            DeveloperUuid = developer.Uuid,
            CreatedAt = now,
            ExpiresAt = now + (long)lifetime.TotalMilliseconds,
            UsesLeft = uses,
        });
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    /// <summary>The developer the token registers for, while it is unexpired, has uses left and its developer may still own clients; else null.</summary>
    public async Task<EmrUser?> FindDeveloperAsync(string token, CancellationToken cancellationToken)
    {
        var hash = OpaqueToken.Hash(token);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var found = await db.InitialAccessTokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.TokenHash == hash && t.UsesLeft > 0 && t.ExpiresAt > now, cancellationToken);
        return found is not null && await accounts.FindByUuidAsync(found.DeveloperUuid, cancellationToken) is { Retired: false } developer
            && developer.HasPrivilege(OAuth2Module.ManageClientsPrivilege)
            ? developer
            : null;
    }

    /// <summary>Takes one use; false when none is left or the token expired meanwhile. Call inside the registration's transaction.</summary>
    public async Task<bool> TryClaimAsync(string token, CancellationToken cancellationToken)
    {
        var hash = OpaqueToken.Hash(token);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return await db.InitialAccessTokens
            .Where(t => t.TokenHash == hash && t.UsesLeft > 0 && t.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsesLeft, t => t.UsesLeft - 1), cancellationToken) == 1;
    }
}
