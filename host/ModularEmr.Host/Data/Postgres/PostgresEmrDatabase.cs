using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Migrations;
using ModularEmr.Host.Hosting;
using Npgsql;

namespace ModularEmr.Host.Data.Postgres;

/// <summary>
/// A PostgreSQL database (<c>Emr:Database:Provider=postgres</c>, <c>ConnectionStrings:Emr</c>), which
/// several host instances may share behind a load balancer. Modules run on it unchanged: their migrations,
/// written once against the embedded provider, are translated by <see cref="PortableMigrationsSqlGenerator"/>.
/// </summary>
internal sealed class PostgresEmrDatabase : EmrDatabaseProvider
{
    public const string Provider = "postgres";

    /// <summary>The advisory lock every instance takes to migrate and install ('ModEmr' in ASCII).</summary>
    private const long MigrationLock = 0x4D6F64456D72;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresEmrDatabase(string connectionString)
    {
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new StartupException($"ConnectionStrings:Emr is not a PostgreSQL connection string: {ex.Message}");
        }

        Where = $"{parsed.Host}:{parsed.Port}/{parsed.Database}";
        _dataSource = new NpgsqlDataSourceBuilder(WithSessionDefaults(parsed, connectionString).ConnectionString).Build();
    }

    public override string Name => Provider;

    /// <summary>Statements Npgsql keeps prepared on each connection, unless the connection string says otherwise.</summary>
    internal const int AutoPrepared = 64;

    public override bool IsShared => true;

    /// <summary>Host, port and database, for messages: never the password.</summary>
    public string Where { get; }

    public override void Configure(DbContextOptionsBuilder options, string moduleId) =>
        Portable(options.UseNpgsql(_dataSource, npgsql => npgsql.MigrationsHistoryTable(HistoryTable(moduleId))));

    public override void Configure(DbContextOptionsBuilder options, string moduleId, DbConnection connection) =>
        Portable(options.UseNpgsql(connection, npgsql => npgsql.MigrationsHistoryTable(HistoryTable(moduleId))));

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new StartupException($"the PostgreSQL database {Where} cannot be reached: {ex.Message}");
        }
    }

    public override async Task<IAsyncDisposable> HoldMigrationLockAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", MigrationLock);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new AdvisoryLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override ValueTask CloseAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// Defaults for the host's own sessions, each kept only where the connection string does not set it:
    /// <list type="bullet">
    /// <item>Npgsql's automatic preparation (<c>Max Auto Prepare</c>). The host sends the same few dozen
    /// statements over and over, and PostgreSQL plans an unprepared one on every execution: a search page runs
    /// five to nine, and planning was most of their cost (1,000 patients: <c>family=</c> 21.7 ms to 13.5 ms).</item>
    /// <item>No parallel workers (<c>Options=-c max_parallel_workers_per_gather=0</c>, a session default that
    /// survives the pool's reset). Every statement the host runs is a short indexed lookup; at 100,000 patients
    /// the planner gave the bounded count of a name search two workers, whose start-up made it 19 ms instead
    /// of about 2, and <c>family=</c> took 21.6 ms instead of 14.8 (docs/PERFORMANCE.md).</item>
    /// </list>
    /// Behind PgBouncer, set <c>Options=</c> (empty) unless it forwards <c>options</c>, and
    /// <c>Max Auto Prepare=0</c> before PgBouncer 1.21 in transaction mode (docs/operations.md).
    /// </summary>
    private static NpgsqlConnectionStringBuilder WithSessionDefaults(NpgsqlConnectionStringBuilder parsed, string connectionString)
    {
        // Npgsql's builder answers ContainsKey for every keyword it knows; the plain one holds only what was written.
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet();
        if (!written.Contains("MAXAUTOPREPARE"))
        {
            parsed.MaxAutoPrepare = AutoPrepared;
            parsed.AutoPrepareMinUsages = 2;
        }

        if (!written.Contains("OPTIONS"))
        {
            parsed.Options = "-c max_parallel_workers_per_gather=0";
        }

        return parsed;
    }

    /// <summary>
    /// Migrations are written once, against the embedded provider, and translated here; the model's own
    /// snapshot is SQLite's, so EF Core's check for changes the migrations miss is left to the embedded
    /// provider, where the tools make them.
    /// </summary>
    private static void Portable(DbContextOptionsBuilder options) =>
        WithHostConventions(options)
            .ReplaceService<IMigrationsSqlGenerator, PortableMigrationsSqlGenerator>()
            .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning));

    /// <summary>The session lock is released when its connection closes, even if this process dies.</summary>
    private sealed class AdvisoryLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.AddWithValue("key", MigrationLock);
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
