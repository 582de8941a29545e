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
/// Patients as last read, by uuid, for the hot read path (a FHIR client polling a patient). An entry is
/// served only while no write to the core database has happened since the read that made it began, so a
/// change is visible to the very next read. This host is the only writer of its embedded database.
/// </summary>
internal sealed class RecentPatients(CoreWrites writes)
{
    private const int Capacity = 10_000;
    private readonly ConcurrentDictionary<Guid, (PatientRecord Patient, long Writes)> _entries = new();

    /// <summary>The write count to pass to <see cref="Remember"/>: read it before querying.</summary>
    public long Writes => writes.Count;

    public PatientRecord? Find(Guid uuid) =>
        _entries.TryGetValue(uuid, out var entry) && entry.Writes == writes.Count ? entry.Patient : null;

    public void Remember(PatientRecord patient, long writesBeforeRead)
    {
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[patient.Person.Uuid] = (patient, writesBeforeRead);
    }
}
