using System.Data.Common;
using Microsoft.AspNetCore.Http;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Data.Shared;

/// <summary>
/// The change signals of a shared database: one row per topic in <c>change_signal</c>. Signalling commits at
/// once (autocommit), before the change's answer goes out, so the next request on any instance reads the new
/// version.
/// </summary>
/// <remarks>
/// Reads are coalesced as commits are in a group commit: a caller joins the next read of the whole (small)
/// table, one that begins after it arrived, so it sees every version committed before it asked; while one
/// read is in flight, the callers arriving meanwhile wait for the next one together. Under load a request
/// then costs a fraction of a query instead of one query per topic.
/// <para>
/// Within one HTTP request the table is read at most once: that read began after the request arrived, so it
/// already holds every change answered before the request, which is all DESIGN §7 promises. The request
/// reads again only after this instance has itself signalled since (a write in the same request must not
/// be hidden from it by the snapshot taken before it).
/// </para>
/// </remarks>
internal sealed class DatabaseChangeSignals(EmrDatabaseProvider database, IHttpContextAccessor requests) : IChangeSignals
{
    private static readonly object SnapshotKey = new();

    private const string ReadSql = "SELECT topic, version FROM " + ChangeSignal.Table;

    private const string SignalSql =
        "INSERT INTO " + ChangeSignal.Table + " (topic, version) VALUES (@topic, 1) " +
        "ON CONFLICT (topic) DO UPDATE SET version = " + ChangeSignal.Table + ".version + 1";

    private readonly Lock _gate = new();
    private TaskCompletionSource<IReadOnlyDictionary<string, long>>? _next;
    private bool _reading;
    private long _signalled;

    public async ValueTask<long> VersionAsync(string topic, CancellationToken cancellationToken = default)
    {
        var items = requests.HttpContext?.Items;
        var signalled = Volatile.Read(ref _signalled);
        if (items?[SnapshotKey] is RequestSnapshot snapshot && snapshot.Signalled == signalled && !snapshot.Read.IsFaulted)
        {
            return (await snapshot.Read.WaitAsync(cancellationToken)).GetValueOrDefault(topic);
        }

        var read = JoinNextRead();
        if (items is not null)
        {
            items[SnapshotKey] = new RequestSnapshot(read, signalled);
        }

        return (await read.WaitAsync(cancellationToken)).GetValueOrDefault(topic);
    }

    public async Task SignalAsync(string topic, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await SignalWithinAsync(connection, null, topic, cancellationToken);
        }
        finally
        {
            SignalledHere();
        }
    }

    /// <summary>
    /// Called once a signal of this instance has committed (<see cref="SignalWithinAsync"/> inside a write):
    /// snapshots taken by requests before it are no longer trusted.
    /// </summary>
    public void SignalledHere() => Interlocked.Increment(ref _signalled);

    /// <summary>The next read of the table to begin: one that begins after this call.</summary>
    private Task<IReadOnlyDictionary<string, long>> JoinNextRead()
    {
        Task<IReadOnlyDictionary<string, long>> read;
        var start = false;
        lock (_gate)
        {
            _next ??= new TaskCompletionSource<IReadOnlyDictionary<string, long>>(TaskCreationOptions.RunContinuationsAsynchronously);
            read = _next.Task;
            if (!_reading)
            {
                _reading = start = true;
            }
        }

        if (start)
        {
            // The loop outlives the request that started it: it must not carry that request's context.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(ReadWhileAskedAsync, CancellationToken.None);
            }
        }

        return read;
    }

    /// <summary>Moves <paramref name="topic"/> inside <paramref name="transaction"/>: the change and its signal commit together.</summary>
    public static async Task SignalWithinAsync(DbConnection connection, DbTransaction? transaction, string topic, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SignalSql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@topic";
        parameter.Value = topic;
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads the table for each group of callers in turn, until no one is waiting.</summary>
    private async Task ReadWhileAskedAsync()
    {
        while (true)
        {
            TaskCompletionSource<IReadOnlyDictionary<string, long>> group;
            lock (_gate)
            {
                if (_next is null)
                {
                    _reading = false;
                    return;
                }

                group = _next;
                _next = null;
            }

            try
            {
                group.SetResult(await ReadAllAsync());
            }
            catch (Exception exception)
            {
                group.SetException(exception);
            }
        }
    }

    private async Task<IReadOnlyDictionary<string, long>> ReadAllAsync()
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = ReadSql;
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }

        return versions;
    }
}
