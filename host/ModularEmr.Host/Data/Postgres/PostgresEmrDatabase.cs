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
        _dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
    }

    public override string Name => Provider;

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
    /// Migrations are written once, against the embedded provider, and translated here; the model's own
    /// snapshot is SQLite's, so EF Core's check for changes the migrations miss is left to the embedded
    /// provider, where the tools make them.
    /// </summary>
    private static void Portable(DbContextOptionsBuilder options) =>
        IgnoreInstallTransactionWarning(options)
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
