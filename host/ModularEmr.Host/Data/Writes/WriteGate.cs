using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace ModularEmr.Host.Data.Writes;

/// <summary>
/// One writer at a time on the embedded database, awaited instead of slept on. SQLite lets one connection
/// write at a time, and Microsoft.Data.Sqlite waits out a busy database by retrying on the calling thread
/// until the command timeout, blocking it: under concurrent writers that parks thread-pool threads until
/// reads and token requests starve too. Every write through EF Core (<see cref="WriteGateInterceptor"/>) and every batch of the record
/// writer (<see cref="SqliteRecordWriter"/>) enters this gate asynchronously before SQLite's lock is asked
/// for, so SQLite never finds the database busy from inside this process.
/// </summary>
/// <remarks>
/// Entry is per connection and counted, so the nested steps of one write (a SaveChanges that begins its
/// own transaction) pass. Closing or disposing the connection gives up whatever it still holds: a
/// transaction disposed without commit or rollback raises no other event, and closing the connection is
/// what rolls it back in SQLite.
/// </remarks>
[SuppressMessage("Reliability", "CA1001", Justification = "The gate lives as long as the process; a SemaphoreSlim whose wait handle is never asked for holds nothing to dispose.")]
internal sealed class WriteGate
{
    /// <summary>As long as a command waits for a busy database (Microsoft.Data.Sqlite's default timeout).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<DbConnection, Holder> _holders = new(ReferenceEqualityComparer.Instance);

    public async ValueTask EnterAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (_holders.TryGetValue(connection, out var holder))
        {
            // Only the flow that owns a connection uses it, so its count needs no lock.
            holder.Depth++;
            return;
        }

        if (!await _gate.WaitAsync(Patience, cancellationToken))
        {
            throw TimedOut();
        }

        _holders[connection] = new Holder();
    }

    /// <summary>For EF Core's synchronous calls (migrations, the command line), which block anyway.</summary>
    public void Enter(DbConnection connection)
    {
        if (_holders.TryGetValue(connection, out var holder))
        {
            holder.Depth++;
            return;
        }

        if (!_gate.Wait(Patience))
        {
            throw TimedOut();
        }

        _holders[connection] = new Holder();
    }

    public void Exit(DbConnection connection)
    {
        if (_holders.TryGetValue(connection, out var holder) && --holder.Depth == 0 && _holders.TryRemove(connection, out _))
        {
            _gate.Release();
        }
    }

    /// <summary>The connection closed: whatever it held is given up.</summary>
    public void ExitAll(DbConnection connection)
    {
        if (_holders.TryRemove(connection, out _))
        {
            _gate.Release();
        }
    }

    /// <summary>Holds the gate for a block of work on a connection of the caller's own (the record writer's batches).</summary>
    public async ValueTask<Held> HoldAsync(CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(Patience, cancellationToken))
        {
            throw TimedOut();
        }

        return new Held(_gate);
    }

    private static TimeoutException TimedOut() =>
        new($"The database stayed busy with another write for {Patience.TotalSeconds:0} s; nothing was written.");

    private sealed class Holder
    {
        public int Depth { get; set; } = 1;
    }

    /// <summary>The gate, held until disposed.</summary>
    public readonly struct Held(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
