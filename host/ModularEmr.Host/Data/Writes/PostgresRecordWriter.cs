using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data.Postgres;
using ModularEmr.Host.Data.Shared;
using ModularEmr.Host.Records;
using ModularEmr.Sdk.Data;
using Npgsql;

namespace ModularEmr.Host.Data.Writes;

/// <summary>
/// Writes on a shared PostgreSQL database: each unit in a transaction of its own, committed before it is
/// answered. Core record writes take one transaction-scoped advisory lock first, so they run one after
/// another across every instance, as they do on the embedded database: two writes to one person never
/// interleave (a preferred name stays one, sort keys follow the last write) and none needs a retry.
/// Module writes (token entries: inserts of fresh rows) run side by side. A deadlock or serialization
/// failure, which PostgreSQL asks the client to retry, runs the unit again.
/// </summary>
internal sealed partial class PostgresRecordWriter(PostgresEmrDatabase database, DatabaseChangeSignals signals, ILogger<PostgresRecordWriter> logger) : IRecordWriter
{
    /// <summary>The advisory lock of core record writes ('Record' in ASCII).</summary>
    private const long RecordLock = 0x5265636F7264;
    private const int Attempts = 5;

    private readonly DbContextOptions<CoreDbContext> _options = CoreOptions(database);

    public async Task<T> WriteAsync<T>(Func<CoreDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(
                async (connection, transaction, token) =>
                {
                    await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction))
                    {
                        command.Parameters.AddWithValue("key", RecordLock);
                        await command.ExecuteNonQueryAsync(token);
                    }

                    await using var db = new CoreDbContext(_options);
                    db.Database.SetDbConnection(connection);
                    await db.Database.UseTransactionAsync(transaction, token);
                    var done = await work(db, token);

                    // In the same transaction: every instance's patient cache drops what it read before this commit.
                    await DatabaseChangeSignals.SignalWithinAsync(connection, transaction, RecentPatients.Topic, token);
                    return done;
                },
                cancellationToken);
        }
        finally
        {
            // Also when the commit's outcome is unknown: this request must not trust what it read before.
            signals.SignalledHere();
        }
    }

    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(work, cancellationToken);

    private async Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = database.CreateConnection();
            try
            {
                await connection.OpenAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw NotSaved(ex);
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            T result;
            try
            {
                result = await work(connection, transaction, cancellationToken);
            }
            catch (Exception ex) when (attempt < Attempts && MustRetry(ex))
            {
                Retrying(logger, attempt, ex);
                continue;
            }

            try
            {
                // Not cancelled by the caller: once the work ran, the answer must say what the commit did.
                await transaction.CommitAsync(CancellationToken.None);
            }
            catch (Exception ex) when (attempt < Attempts && MustRetry(ex))
            {
                Retrying(logger, attempt, ex);
                continue;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw NotSaved(ex);
            }

            return result;
        }
    }

    /// <summary>Deadlock or serialization failure: PostgreSQL rolled the transaction back and asks for a retry.</summary>
    private static bool MustRetry(Exception exception) =>
        Unwrap(exception) is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    private static Exception Unwrap(Exception exception) => exception is DbUpdateException { InnerException: { } inner } ? inner : exception;

    /// <summary>Said in the request's language: PostgreSQL writes run on the request's own flow.</summary>
    private static RecordNotSavedException NotSaved(Exception exception) => new(RecordText.Format("NotSaved"), exception);

    private static DbContextOptions<CoreDbContext> CoreOptions(PostgresEmrDatabase database)
    {
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        database.Configure(options, CoreDbContext.MigrationsOwner);
        return options.Options;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A write was rolled back by PostgreSQL (attempt {Attempt}); running it again")]
    private static partial void Retrying(ILogger logger, int attempt, Exception exception);
}
