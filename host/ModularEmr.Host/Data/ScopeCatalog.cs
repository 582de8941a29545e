using Microsoft.EntityFrameworkCore;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Host.Data;

/// <summary>
/// The scopes modules declared. They change only when a module is installed or upgraded, which happens
/// before the host serves; so they are read once and kept, and every install clears them.
/// </summary>
internal sealed class ScopeCatalog(IServiceScopeFactory scopes) : IScopeCatalog
{
    private volatile Task<IReadOnlyList<DeclaredScope>>? _declared;

    // A read that failed (say, a busy database) is not kept: the next caller reads again.
    public Task<IReadOnlyList<DeclaredScope>> ListAsync(CancellationToken cancellationToken = default) =>
        _declared is { IsFaulted: false, IsCanceled: false } declared ? declared : _declared = LoadAsync();

    /// <summary>Forgets the scopes read so far; the next caller reads them again.</summary>
    public void Invalidate() => _declared = null;

    private async Task<IReadOnlyList<DeclaredScope>> LoadAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoreDbContext>();
        return (await db.Scopes.AsNoTracking().OrderBy(s => s.Name).ToListAsync())
            .Select(s => new DeclaredScope(s.ModuleId, new ScopeDeclaration(s.Name, s.DisplayName, s.Description)))
            .ToList();
    }
}
