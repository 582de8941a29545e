using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ModularEmr.Host.Data.Writes;

/// <summary>
/// Puts every write a context makes through the <see cref="WriteGate"/>: a transaction from its start to
/// its end, a SaveChanges outside a transaction, and an ExecuteUpdate or ExecuteDelete outside a
/// transaction. Added to every context the host configures, its own and the modules'.
/// </summary>
internal sealed class WriteGateInterceptor(WriteGate gate) : IDbTransactionInterceptor, IDbConnectionInterceptor, ISaveChangesInterceptor, IDbCommandInterceptor
{
    // Weak: a transaction disposed without commit or rollback raises no event and must not be kept alive.
    private readonly ConditionalWeakTable<DbTransaction, DbConnection> _connections = [];

    // The transaction is begun here, inside the gate, rather than left to EF: EF raises no event when BEGIN
    // fails (a cancelled request, another process holding the lock), and the gate would stay entered.
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await gate.EnterAsync(connection, cancellationToken);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(Opened(await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken), connection));
        }
        catch
        {
            gate.Exit(connection);
            throw;
        }
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        gate.Enter(connection);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(Opened(connection.BeginTransaction(eventData.IsolationLevel), connection));
        }
        catch
        {
            gate.Exit(connection);
            throw;
        }
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Ended(transaction, eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => EndedAsync(transaction, eventData.Context);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Ended(transaction, eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => EndedAsync(transaction, eventData.Context);

    // A failed commit or rollback ends the transaction (what SQLite left open is rolled back when it is
    // disposed); a failed savepoint does not, and the gate stays entered until the transaction ends.
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        if (eventData.Action is "Commit" or "Rollback")
        {
            Ended(transaction, eventData.Context);
        }
    }

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => gate.ExitAll(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        gate.ExitAll(connection);
        return Task.CompletedTask;
    }

    public void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => gate.ExitAll(connection);

    public Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        gate.ExitAll(connection);
        return Task.CompletedTask;
    }

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (OutsideTransaction(eventData.Context) is { } connection)
        {
            await gate.EnterAsync(connection, cancellationToken);
        }

        return result;
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (OutsideTransaction(eventData.Context) is { } connection)
        {
            gate.Enter(connection);
        }

        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ExitOutsideTransaction(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ExitOutsideTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => ExitOutsideTransaction(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ExitOutsideTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => ExitOutsideTransaction(eventData.Context);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        ExitOutsideTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null && command.Connection is { } connection)
        {
            await gate.EnterAsync(connection, cancellationToken);
        }

        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (command.Transaction is null && command.Connection is { } connection)
        {
            gate.Enter(connection);
        }

        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        ExitNonQuery(command);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ExitNonQuery(command);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (eventData.ExecuteMethod == DbCommandMethod.ExecuteNonQuery)
        {
            ExitNonQuery(command);
        }
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command, eventData);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData)
    {
        if (eventData.ExecuteMethod == DbCommandMethod.ExecuteNonQuery)
        {
            ExitNonQuery(command);
        }
    }

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandCanceled(command, eventData);
        return Task.CompletedTask;
    }

    private void ExitNonQuery(DbCommand command)
    {
        if (command.Transaction is null && command.Connection is { } connection)
        {
            gate.Exit(connection);
        }
    }

    private static DbConnection? OutsideTransaction(DbContext? context) =>
        context is { Database.CurrentTransaction: null } ? context.Database.GetDbConnection() : null;

    private void ExitOutsideTransaction(DbContext? context)
    {
        if (OutsideTransaction(context) is { } connection)
        {
            gate.Exit(connection);
        }
    }

    private DbTransaction Opened(DbTransaction transaction, DbConnection connection)
    {
        // A committed SqliteTransaction forgets its connection; the gate is keyed by it.
        _connections.AddOrUpdate(transaction, connection);
        return transaction;
    }

    private void Ended(DbTransaction transaction, DbContext? context)
    {
        if (_connections.TryGetValue(transaction, out var connection) && _connections.Remove(transaction))
        {
            gate.Exit(connection);
        }
        else if (context is not null)
        {
            gate.Exit(context.Database.GetDbConnection());
        }
    }

    private Task EndedAsync(DbTransaction transaction, DbContext? context)
    {
        Ended(transaction, context);
        return Task.CompletedTask;
    }
}
