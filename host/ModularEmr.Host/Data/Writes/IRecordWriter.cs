namespace ModularEmr.Host.Data.Writes;

/// <summary>
/// How the core record services write. A unit of work runs against a context in its own transaction (or
/// savepoint) and its result is handed back only once that transaction is durable; a unit that throws
/// leaves nothing behind. The strategy belongs to the database provider: the embedded SQLite provider
/// commits concurrent units together (<see cref="SqliteRecordWriter"/>); a shared PostgreSQL database runs
/// each unit in a transaction of its own (<see cref="PostgresRecordWriter"/>).
/// </summary>
internal interface IRecordWriter
{
    /// <summary>Runs <paramref name="work"/> and commits what it saved.</summary>
    /// <remarks>
    /// The work may run more than once (after a failed shared commit it runs again alone), so it must have no
    /// effect outside the context it is given. It never sees another request's uncommitted changes fail under it.
    /// </remarks>
    /// <exception cref="ModularEmr.Sdk.Data.RecordNotSavedException">The commit failed; nothing of the work was stored.</exception>
    Task<T> WriteAsync<T>(Func<CoreDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>A module's write (<see cref="ModularEmr.Sdk.Data.IEmrDatabase.WriteAsync{T}"/>) on a connection and transaction of the writer's.</summary>
    Task<T> WriteAsync<T>(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
