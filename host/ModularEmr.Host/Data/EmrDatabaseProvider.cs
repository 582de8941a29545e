using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ModularEmr.Host.Data;

/// <summary>
/// The database the operator configured (<c>Emr:Database:Provider</c>), shared by the host and every
/// module: how a context reaches it, how a connection is made, and what holds when several hosts share it.
/// Modules see it through <see cref="EmrDatabase"/>.
/// </summary>
internal abstract class EmrDatabaseProvider : IAsyncDisposable
{
    /// <summary>The provider's name in configuration and in <see cref="Sdk.Data.IEmrDatabase.Provider"/>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether other host instances may write this database: then nothing an instance keeps in memory may
    /// be trusted without asking the database (keys, caches, throttles).
    /// </summary>
    public abstract bool IsShared { get; }

    /// <summary>Points a context (pooled or per request) at the database, with <paramref name="moduleId"/>'s migrations history.</summary>
    public abstract void Configure(DbContextOptionsBuilder options, string moduleId);

    /// <summary>Points a context at an open connection (the install transaction's).</summary>
    public abstract void Configure(DbContextOptionsBuilder options, string moduleId, DbConnection connection);

    public abstract DbConnection CreateConnection();

    /// <summary>Settings of the database itself, made once before anything migrates.</summary>
    public abstract Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Holds every other host instance's migrations and installs back until the result is disposed, so hosts
    /// starting together on one database migrate and install each module once.
    /// </summary>
    public abstract Task<IAsyncDisposable> HoldMigrationLockAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Closes what the provider holds open (PostgreSQL's pooled connections): the host's service container
    /// owns the provider and disposes it when the host stops, so a stopped host leaves no session behind.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>What <see cref="DisposeAsync"/> closes: nothing for a file opened per connection.</summary>
    protected virtual ValueTask CloseAsync() => ValueTask.CompletedTask;

    /// <summary>The migrations history table of a module: each module migrates on its own.</summary>
    protected static string HistoryTable(string moduleId) => $"__migrations_{moduleId}";

    /// <summary>
    /// What every context of the host and its modules shares, on either provider:
    /// <list type="bullet">
    /// <item>the time of each command measured (<see cref="DatabaseTelemetry"/>);</item>
    /// <item>modules migrate inside the install transaction on purpose (so a failed install leaves no table
    /// behind); EF Core warns about migrations in a user transaction, which is exactly that.</item>
    /// </list>
    /// </summary>
    protected static DbContextOptionsBuilder WithHostConventions(DbContextOptionsBuilder options) =>
        options
            .AddInterceptors(DatabaseTelemetry.Instance)
            .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.MigrationsUserTransactionWarning));
}
