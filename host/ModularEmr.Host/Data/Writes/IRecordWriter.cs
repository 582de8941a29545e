namespace ModularEmr.Host.Data.Writes;

/// <summary>
/// How the core record services write. A unit of work runs against a context in its own transaction (or
/// savepoint) and its result is handed back only once that transaction is durable; a unit that throws
/// leaves nothing behind. The strategy belongs to the database provider: the embedded SQLite provider
/// commits concurrent units together (<see cref="SqliteRecordWriter"/>).
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
}
