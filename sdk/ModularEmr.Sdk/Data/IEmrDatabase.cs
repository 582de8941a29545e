using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace ModularEmr.Sdk.Data;

/// <summary>
/// The host's database, as modules see it: the provider and connection the operator configured
/// (embedded SQLite by default). Modules never open the host's own context.
/// </summary>
public interface IEmrDatabase
{
    /// <summary>The configured provider: <c>sqlite</c> (embedded, the default) or <c>postgres</c>.</summary>
    string Provider { get; }

    /// <summary>
    /// True when other host instances may write this database at the same time (PostgreSQL behind a load
    /// balancer). A module then keeps nothing in memory that another instance can make stale, unless it checks
    /// it against the database (<see cref="IChangeSignals"/>). Added in sdk 1.4.0.
    /// </summary>
    bool IsShared { get; }

    /// <summary>
    /// Points <paramref name="options"/> at the host's database with the migrations history table of
    /// <paramref name="moduleId"/>, so a module's migrations never mix with another's.
    /// </summary>
    void Configure(DbContextOptionsBuilder options, string moduleId);

    /// <summary>
    /// Runs <paramref name="work"/> on the database's write path and returns its result once what it wrote
    /// is durable. The provider chooses how: the embedded database runs concurrent writes one after another
    /// in one shared transaction, each in a savepoint, and commits them with one fsync. A shared PostgreSQL database runs
    /// each in a transaction of its own, again after a deadlock or serialization failure. Work that throws
    /// leaves nothing behind and its exception is rethrown; the others are unaffected.
    /// </summary>
    /// <remarks>
    /// Use it for writes on a hot path (one per request under load); an ordinary SaveChanges also works and
    /// waits its turn. The work may run more than once (after a failed shared commit it runs again alone),
    /// so it must not have effects outside the connection it is given, and it must use only that connection
    /// and transaction. Added in sdk 1.2.0.
    /// </remarks>
    /// <exception cref="RecordNotSavedException">The commit failed; nothing of the work was stored.</exception>
    Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default);
}
