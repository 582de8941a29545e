using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records;

/// <summary>
/// Counts committed writes to the core database made through <see cref="Data.CoreDbContext"/>. It moves
/// after every save and again after every commit, so a reader that began before a write finished never
/// files its (possibly older) result under the count that follows the write.
/// </summary>
internal sealed class CoreWrites : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    private void Moved() => Interlocked.Increment(ref _count);

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Moved();
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Moved();
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Moved();

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Moved();
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Moved();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Moved();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Patients as last read, by uuid, for the hot read path (a FHIR client polling a patient). A committed
/// write through the record writer forgets the patients it changed and only those
/// (<see cref="Forget"/>), before the write is acknowledged; a read that began before that signal never
/// files its possibly older result afterwards. Writes outside the record writer (installation, demo data,
/// the command line) move <see cref="CoreWrites"/>, which invalidates every entry. This host is the only
/// writer of its embedded database. On a shared database another instance's writes move the
/// <see cref="Topic"/> change signal (every record write there signals it after its commit), and an entry
/// read under an older version of it is never served: a write on any instance makes every instance read
/// afresh, at the cost of one (coalesced) version read per lookup.
/// </summary>
internal sealed class RecentPatients(CoreWrites writes, IChangeSignals signals, Data.EmrDatabaseProvider database)
{
    /// <summary>The change signal every committed record write moves on a shared database.</summary>
    public const string Topic = "core.records";

    private readonly bool _shared = database.IsShared;

    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<Guid, (PatientRecord Patient, Stamp Read)> _entries = new();
    private readonly ConcurrentDictionary<Guid, long> _writtenAt = new();
    private long _clock;
    private long _floor;

    /// <summary>The moment to look up at and to pass to <see cref="Remember"/>: take it before querying.</summary>
    public async ValueTask<Stamp> NowAsync(CancellationToken cancellationToken)
    {
        var shared = _shared ? await signals.VersionAsync(Topic, cancellationToken) : 0;
        return new Stamp(writes.Count, Interlocked.Read(ref _clock), shared);
    }

    public PatientRecord? Find(Guid uuid, Stamp now) =>
        _entries.TryGetValue(uuid, out var entry) && entry.Read.Writes == now.Writes && entry.Read.Shared == now.Shared && !WrittenSince(uuid, entry.Read) ? entry.Patient : null;

    public void Remember(PatientRecord patient, Stamp before)
    {
        if (WrittenSince(patient.Uuid, before))
        {
            return;
        }

        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        var entry = (patient, before);
        _entries[patient.Uuid] = entry;

        // A commit may have been signalled between the check and the store; Forget writes its mark
        // before it removes, so one of the two sees the other.
        if (WrittenSince(patient.Uuid, before))
        {
            _entries.TryRemove(KeyValuePair.Create(patient.Uuid, entry));
        }
    }

    /// <summary>The committed changes of the record writer: their patients are read afresh from now on.</summary>
    public void Forget(Data.Writes.PersonChanges changes)
    {
        if (changes.Everyone)
        {
            Interlocked.Exchange(ref _floor, Interlocked.Increment(ref _clock));
            _entries.Clear();
            _writtenAt.Clear();
            return;
        }

        foreach (var uuid in changes.Uuids)
        {
            _writtenAt[uuid] = Interlocked.Increment(ref _clock);
            _entries.TryRemove(uuid, out _);
        }

        if (_writtenAt.Count > Capacity)
        {
            // The floor, raised after the marks go, stands for every mark cleared: an entry read before it
            // is refused by Find even if it was filed while the marks were being cleared.
            _writtenAt.Clear();
            Interlocked.Exchange(ref _floor, Interlocked.Read(ref _clock));
        }
    }

    private bool WrittenSince(Guid uuid, Stamp before) =>
        before.Clock < Interlocked.Read(ref _floor) || (_writtenAt.TryGetValue(uuid, out var at) && at > before.Clock);

    /// <summary>When a read began: the count of other writes, the writer's clock, and the shared database's record version.</summary>
    public readonly record struct Stamp(long Writes, long Clock, long Shared);
}
