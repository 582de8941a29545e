using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Modules.OAuth2.Clients;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Validation;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// Every web origin some client registered, as last read, filed under the client-change version it was
/// read under (<see cref="RevocationSignal"/>): an origin removed on any instance stops being served on
/// the next request, and the registrations are read again only after a client changed.
/// </summary>
public sealed class RegisteredOrigins
{
    private volatile Snapshot? _snapshot;

    public async Task<FrozenSet<string>> GetAsync(OAuth2DbContext db, RevocationSignal signal, CancellationToken cancellationToken)
    {
        // The version is read first: a change committed during the read files the result as already stale.
        var version = await signal.ClientsAsync(cancellationToken);
        if (_snapshot is { } known && known.Version == version)
        {
            return known.Origins;
        }

        var stored = await db.ClientRegistrations.AsNoTracking().Where(r => r.AllowedOrigins != null).Select(r => r.AllowedOrigins).ToListAsync(cancellationToken);
        var origins = stored.SelectMany(ClientRegistrations.SplitOrigins).ToFrozenSet(StringComparer.Ordinal);
        _snapshot = new Snapshot(version, origins);
        return origins;
    }

    private sealed record Snapshot(long Version, FrozenSet<string> Origins);
}
