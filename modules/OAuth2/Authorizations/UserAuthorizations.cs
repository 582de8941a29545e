using Microsoft.EntityFrameworkCore;
using ModularEmr.Modules.OAuth2.Data;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Authorizations;

/// <summary>An app a user has authorized, with what it may do and since when.</summary>
public sealed record AuthorizedApp(string ClientId, string Name, string? Website, IReadOnlyList<string> Scopes, DateTimeOffset? AuthorizedAt);

/// <summary>The apps a user has authorized, and revoking one: its authorizations and every token for this user die.</summary>
public sealed class UserAuthorizations(
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictApplicationManager applications,
    IOpenIddictTokenManager tokens,
    OAuth2DbContext db)
{
    public async Task<IReadOnlyList<AuthorizedApp>> ListAsync(Guid user, CancellationToken cancellationToken)
    {
        var byApplication = new Dictionary<string, (HashSet<string> Scopes, DateTimeOffset? Since)>(StringComparer.Ordinal);
        // Read whole first: PostgreSQL runs one command at a time per connection, and the loop asks for more.
        foreach (var authorization in await authorizations.FindBySubjectAsync(user.ToString(), cancellationToken).ToListAsync(cancellationToken))
        {
            if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken)
                || await authorizations.GetApplicationIdAsync(authorization, cancellationToken) is not { } applicationId)
            {
                continue;
            }

            var created = await authorizations.GetCreationDateAsync(authorization, cancellationToken);
            var scopes = await authorizations.GetScopesAsync(authorization, cancellationToken);
            if (!byApplication.TryGetValue(applicationId, out var entry))
            {
                entry = ([], created);
            }

            entry.Scopes.UnionWith(scopes);
            byApplication[applicationId] = (entry.Scopes, created < entry.Since ? created : entry.Since ?? created);
        }

        var apps = new List<AuthorizedApp>();
        foreach (var (applicationId, entry) in byApplication)
        {
            if (await applications.FindByIdAsync(applicationId, cancellationToken) is not { } application)
            {
                continue;
            }

            var clientId = (await applications.GetClientIdAsync(application, cancellationToken))!;
            var website = await db.ClientRegistrations.Where(r => r.ClientId == clientId).Select(r => r.Website).SingleOrDefaultAsync(cancellationToken);
            apps.Add(new AuthorizedApp(clientId, await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId, website, entry.Scopes.Order(StringComparer.Ordinal).ToList(), entry.Since));
        }

        return apps.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Revokes every authorization of <paramref name="user"/> for the client, and their tokens. False when there was none.</summary>
    public async Task<bool> RevokeAsync(Guid user, string clientId, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return false;
        }

        var applicationId = await applications.GetIdAsync(application, cancellationToken);
        var revoked = false;
        // Read whole before revoking: PostgreSQL runs one command at a time per connection.
        foreach (var authorization in await authorizations.FindAsync(user.ToString(), applicationId, status: null, type: null, scopes: null, cancellationToken).ToListAsync(cancellationToken))
        {
            if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken))
            {
                continue;
            }

            await tokens.RevokeByAuthorizationIdAsync((await authorizations.GetIdAsync(authorization, cancellationToken))!, cancellationToken);
            await authorizations.TryRevokeAsync(authorization, cancellationToken);
            revoked = true;
        }

        return revoked;
    }
}
