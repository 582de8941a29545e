using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModularEmr.Modules.OAuth2.Data;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// OpenIddict's application manager with two memories that any change to a client erases at once
/// (<see cref="RevocationSignal.ClientsAsync"/>):
/// <list type="bullet">
/// <item>clients by client id (<see cref="KnownClients"/>), so the token endpoint does not query the
/// database for the same client on every request;</item>
/// <item>for a minute, that a presented client secret was right. The stored hash (PBKDF2, OpenIddict's
/// format) still decides the first time; afterwards the SHA-256 of the presented secret is compared in
/// fixed time with the one that passed. A wrong secret is never remembered, so guessing still costs a
/// full PBKDF2 each time.</item>
/// </list>
/// </summary>
public sealed class CachingApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    VerifiedSecrets verified,
    KnownClients known,
    OAuth2DbContext db,
    RevocationSignal signal) : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public override async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        var epoch = await signal.ClientsAsync(cancellationToken);
        if (known.Find(identifier, epoch) is { } application)
        {
            return Tracked(application);
        }

        // A client this request's context already tracks comes back from the query with the values it was
        // loaded with first (EF Core's identity resolution), not the row's: remembered under the current
        // count, another request's committed change would be hidden from every request after this one.
        var trackedBefore = WithoutDetectingChanges(() => db.Set<OpenIddictEntityFrameworkCoreApplication>().Local.Any(a => a.ClientId == identifier));
        var found = await base.FindByClientIdAsync(identifier, cancellationToken);
        if (found is not null && !trackedBefore)
        {
            known.Remember(found, epoch);
        }

        return found;
    }

    /// <summary>
    /// The request's own instance of a remembered client: the one its context already tracks (OpenIddict
    /// asks for the same client several times per request), or else a copy tracked as if just loaded, so
    /// a later update in this request works as on a loaded entity.
    /// </summary>
    private OpenIddictEntityFrameworkCoreApplication Tracked(OpenIddictEntityFrameworkCoreApplication remembered) => WithoutDetectingChanges(() =>
    {
        if (db.Set<OpenIddictEntityFrameworkCoreApplication>().Local.FindEntry(remembered.Id!) is { } tracked)
        {
            return tracked.Entity;
        }

        var copy = StoredColumns<OpenIddictEntityFrameworkCoreApplication>.Copy(remembered);
        db.Entry(copy).State = EntityState.Unchanged;
        return copy;
    });

    /// <summary>Looks at the change tracker without a scan for changes, which would cost more than the query these save.</summary>
    private T WithoutDetectingChanges<T>(Func<T> look)
    {
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return look();
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    public override async ValueTask<bool> ValidateClientSecretAsync(OpenIddictEntityFrameworkCoreApplication application, string secret, CancellationToken cancellationToken = default)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(secret ?? string.Empty));
        var epoch = await signal.ClientsAsync(cancellationToken);
        if (application.Id is { } id && verified.Matches(id, presented, epoch))
        {
            return true;
        }

        var valid = await base.ValidateClientSecretAsync(application, secret!, cancellationToken);
        if (valid && application.Id is { } verifiedId)
        {
            verified.Remember(verifiedId, presented, epoch);
        }

        return valid;
    }

    public override async ValueTask DeleteAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken = default)
    {
        await base.DeleteAsync(application, cancellationToken);
        await signal.ClientsChangedAsync();
    }

    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken = default)
    {
        await base.UpdateAsync(application, cancellationToken);
        await signal.ClientsChangedAsync();
    }

    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreApplication application, string? secret, CancellationToken cancellationToken = default)
    {
        await base.UpdateAsync(application, secret, cancellationToken);
        await signal.ClientsChangedAsync();
    }
}

/// <summary>Secrets that passed the stored-hash check recently, by application id.</summary>
public sealed class VerifiedSecrets(TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (byte[] Hash, long Epoch, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public bool Matches(string applicationId, byte[] presented, long epoch) =>
        _entries.TryGetValue(applicationId, out var entry)
        && entry.Epoch == epoch
        && entry.Until > clock.GetUtcNow()
        && CryptographicOperations.FixedTimeEquals(entry.Hash, presented);

    public void Remember(string applicationId, byte[] presented, long epoch) =>
        _entries[applicationId] = (presented, epoch, clock.GetUtcNow() + Lifetime);
}

/// <summary>
/// Clients as last read from the store, by client id. The remembered instances are never tracked nor
/// handed out, so one request's changes never leak into another's; an entry made before the last client
/// change is never served.
/// </summary>
public sealed class KnownClients
{
    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, (OpenIddictEntityFrameworkCoreApplication Application, long Epoch)> _entries = new(StringComparer.Ordinal);

    /// <summary>The client as remembered under <paramref name="epoch"/>: shared, so copy it before handing it out.</summary>
    public OpenIddictEntityFrameworkCoreApplication? Find(string clientId, long epoch) =>
        _entries.TryGetValue(clientId, out var entry) && entry.Epoch == epoch ? entry.Application : null;

    /// <summary>Remembers <paramref name="application"/> as read under <paramref name="epoch"/>, taken before the read began.</summary>
    public void Remember(OpenIddictEntityFrameworkCoreApplication application, long epoch)
    {
        if (application.ClientId is null)
        {
            return;
        }

        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[application.ClientId] = (StoredColumns<OpenIddictEntityFrameworkCoreApplication>.Copy(application), epoch);
    }
}
