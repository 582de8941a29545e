using Microsoft.EntityFrameworkCore;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Host.Data;

/// <summary>
/// The scopes modules declared. They change only when a module is installed or upgraded; so they are read
/// once and kept while the <c>core.scopes</c> change signal stays where it was when they were read (every
/// install moves it, on whichever instance of a shared database it ran).
/// </summary>
internal sealed class ScopeCatalog(IServiceScopeFactory scopes, IChangeSignals signals) : IScopeCatalog
{
    private const string Topic = "core.scopes";

    private volatile Read? _declared;

    public async Task<IReadOnlyList<DeclaredScope>> ListAsync(CancellationToken cancellationToken = default)
    {
        var version = await signals.VersionAsync(Topic, cancellationToken);
        var declared = _declared;

        // A read that failed (say, a busy database) is not kept: the next caller reads again.
        if (declared is null || declared.Version != version || declared.Scopes is { IsFaulted: true } or { IsCanceled: true })
        {
            declared = new Read(version, LoadAsync());
            _declared = declared;
        }

        return await declared.Scopes;
    }

    /// <summary>Forgets the scopes read so far, here and on every instance: the next caller reads them again.</summary>
    public async Task InvalidateAsync()
    {
        await signals.SignalAsync(Topic, CancellationToken.None);
        _declared = null;
    }

    private sealed record Read(long Version, Task<IReadOnlyList<DeclaredScope>> Scopes);

    private async Task<IReadOnlyList<DeclaredScope>> LoadAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoreDbContext>();
        return (await db.Scopes.AsNoTracking().OrderBy(s => s.Name).ToListAsync())
            .Select(s => new DeclaredScope(s.ModuleId, new ScopeDeclaration(s.Name, s.DisplayName, s.Description)))
            .ToList();
    }
}
