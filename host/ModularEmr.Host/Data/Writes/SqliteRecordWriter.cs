using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Records;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Data.Writes;

/// <summary>
/// Group commit for the embedded database. Record writes, and modules' writes through
/// <see cref="IEmrDatabase.WriteAsync{T}"/> (token entries), queue here; one loop takes whatever has queued,
/// opens one transaction on its own connection, runs each unit inside a savepoint, and commits once, so
/// concurrent writers share one fsync (synchronous=FULL stays: an acknowledged write is on disk). A unit
/// that throws is rolled back to its savepoint and answered at once; the others are answered after the
/// commit, and only then. If the shared commit fails, each unit runs again alone, so one bad write fails
/// only its own request.
/// </summary>
/// <remarks>
/// Units run one after another, each seeing the ones before it, so two writes to one person never race:
/// adding names concurrently needs no retry. The loop waits for the <see cref="WriteGate"/> (never for
/// SQLite's busy handler), and no request thread waits for anything but its own unit's answer.
/// </remarks>
internal sealed partial class SqliteRecordWriter : IRecordWriter, IAsyncDisposable
{
    private const int MaxBatch = 128;
    private const string Savepoint = "unit";

    private readonly Channel<WriteUnit> _queue = Channel.CreateUnbounded<WriteUnit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly CoreDbContext _db;
    private readonly WriteGate _gate;
    private readonly RecentPatients _recent;
    private readonly ILogger<SqliteRecordWriter> _logger;
    private readonly Task _loop;

    public SqliteRecordWriter(SqliteEmrDatabase database, RecentPatients recent, ILogger<SqliteRecordWriter> logger)
    {
        _connection = (SqliteConnection)database.CreateConnection();
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        SqliteEmrDatabase.ConfigureOn(options, CoreDbContext.MigrationsOwner, _connection);

        // One context for every unit, its tracker cleared between them: units run one at a time, and
        // setting up a context per unit cost more than some units' own work.
        _db = new CoreDbContext(options.Options) { CollectsChanges = true };
        _gate = database.Gate;
        _recent = recent;
        _logger = logger;

        // The loop outlives the request that first needed it: it must not carry that request's context.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    public Task<T> WriteAsync<T>(Func<CoreDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        EnqueueAsync(new WriteUnit<T>((db, _, token) => work(db, token), cancellationToken));

    /// <summary>A module's write (<see cref="IEmrDatabase.WriteAsync{T}"/>): on the shared connection and transaction, in its own savepoint.</summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        EnqueueAsync(new WriteUnit<T>((_, transaction, token) => work(transaction.Connection!, transaction, token), cancellationToken));

    private async Task<T> EnqueueAsync<T>(WriteUnit<T> unit)
    {
        if (!_queue.Writer.TryWrite(unit))
        {
            throw new RecordNotSavedException(RecordText.Format("ServerStopping"), new ObjectDisposedException(nameof(SqliteRecordWriter)));
        }

        // Not cancelled by the caller once queued: a unit that has run may commit, and an answer of
        // "cancelled" for a write that committed would be false. A unit not yet run is skipped instead.
        return await unit.Answer;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _db.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteUnit>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var unit))
            {
                batch.Add(unit);
            }

            try
            {
                await CommitTogetherAsync(batch);
            }
            catch (Exception exception) when (batch.Count > 1 && batch.Any(u => u.Ran))
            {
                // The shared commit (or a savepoint) failed: each unit runs again alone, so only the write
                // that cannot commit fails.
                BatchFailed(_logger, batch.Count, exception);
                foreach (var unit in batch.Where(u => !u.Answered))
                {
                    await CommitAloneAsync(unit);
                }
            }
            catch (Exception exception)
            {
                // Nothing ran (the gate timed out, the database could not be opened): running the units
                // one by one would only repeat the wait for each.
                foreach (var unit in batch.Where(u => !u.Answered))
                {
                    unit.Fail(NotSaved(unit, exception));
                }
            }

            batch.Clear();
        }
    }

    private async Task CommitAloneAsync(WriteUnit unit)
    {
        try
        {
            await CommitTogetherAsync([unit]);
        }
        catch (Exception exception)
        {
            unit.Fail(NotSaved(unit, exception));
        }
    }

    private async Task CommitTogetherAsync(List<WriteUnit> batch)
    {
        using var held = await _gate.HoldAsync(CancellationToken.None);
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            await _connection.OpenAsync();
        }

        // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is taken now, not at the first write.
        await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync();
        await _db.Database.UseTransactionAsync(transaction);
        try
        {
            var ran = new List<WriteUnit>(batch.Count);
            var refused = new List<(WriteUnit Unit, Exception Refusal)>();
            var changes = new PersonChanges();
            foreach (var unit in batch)
            {
                if (unit.Answered)
                {
                    continue;
                }

                if (unit.CancellationToken.IsCancellationRequested)
                {
                    unit.Cancel();
                    continue;
                }

                _db.ChangeTracker.Clear();
                _db.Changes.Clear();
                await transaction.SaveAsync(Savepoint);
                try
                {
                    await unit.RunAsync(_db, transaction);
                    await transaction.ReleaseAsync(Savepoint);
                    _db.Changes.AddTo(changes);
                    ran.Add(unit);
                }
                catch (Exception refusal)
                {
                    // Whatever the unit did is undone; the transaction goes on for the others. The refusal
                    // waits for the commit too: it may rest on an earlier unit's write, and if the commit
                    // fails that write never happened, so the unit runs again alone.
                    await transaction.RollbackAsync(Savepoint);
                    await transaction.ReleaseAsync(Savepoint);
                    refused.Add((unit, refusal));
                }
            }

            await transaction.CommitAsync();

            // Signalled after the commit and before any answer: a client that has its answer reads the change.
            _recent.Forget(changes);
            ran.ForEach(unit => unit.Complete());
            refused.ForEach(unit => unit.Unit.Fail(unit.Refusal));
        }
        finally
        {
            _db.ChangeTracker.Clear();
            await _db.Database.UseTransactionAsync(null);
        }
    }

    /// <summary>Said in the language of the request that queued <paramref name="unit"/>: the loop answers several requests.</summary>
    private static RecordNotSavedException NotSaved(WriteUnit unit, Exception exception) => new(RecordText.In(unit.UICulture, "NotSaved"), exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A shared commit of {Count} record writes failed; committing them one by one")]
    private static partial void BatchFailed(ILogger logger, int count, Exception exception);
}
