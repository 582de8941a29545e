using Microsoft.EntityFrameworkCore;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Host.Data;

/// <summary>The scopes modules declared on install.</summary>
internal sealed class ScopeCatalog(CoreDbContext db) : IScopeCatalog
{
    public async Task<IReadOnlyList<DeclaredScope>> ListAsync(CancellationToken cancellationToken = default) =>
        (await db.Scopes.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken))
            .Select(s => new DeclaredScope(s.ModuleId, new ScopeDeclaration(s.Name, s.DisplayName, s.Description)))
            .ToList();
}
