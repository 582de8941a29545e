using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ModularEmr.Host.Data.Writes;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Data;

/// <summary>
/// The embedded SQLite database in the data folder, shared by the host and every module: its connections,
/// its context configuration and its write gate. Modules see it through <see cref="EmrDatabase"/>.
/// </summary>
internal sealed class SqliteEmrDatabase
{
    private static readonly SqliteReadTuning ReadTuning = new();

    private readonly WriteGateInterceptor _gateInterceptor;

    public SqliteEmrDatabase(string databaseFile)
    {
        _gateInterceptor = new WriteGateInterceptor(Gate);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databaseFile,
            ForeignKeys = true,
            // Writers inside this process queue at the WriteGate, asynchronously; the busy timeout is left
            // for another process on the same file (the command line), which Microsoft.Data.Sqlite waits out.
            DefaultTimeout = (int)WriteGate.Patience.TotalSeconds,
            Pooling = true,
        }.ToString();
    }

    public const string Provider = "sqlite";

    public string ConnectionString { get; }

    /// <summary>The one writer at a time of this database file, within this process.</summary>
    public WriteGate Gate { get; } = new();

    public void Configure(DbContextOptionsBuilder options, string moduleId) =>
        IgnoreInstallTransactionWarning(options
            .UseSqlite(ConnectionString, sqlite => sqlite.MigrationsHistoryTable(HistoryTable(moduleId)))
            .AddInterceptors(_gateInterceptor, ReadTuning));

    /// <summary>Points a context at an open connection (the install transaction's).</summary>
    public static void Configure(DbContextOptionsBuilder options, string moduleId, DbConnection connection) =>
        IgnoreInstallTransactionWarning(options.UseSqlite(connection, sqlite => sqlite.MigrationsHistoryTable(HistoryTable(moduleId))));

    /// <summary>
    /// Modules migrate inside the install transaction on purpose (so a failed install leaves no table
    /// behind); EF Core warns about migrations in a user transaction, which is exactly that.
    /// </summary>
    private static void IgnoreInstallTransactionWarning(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.MigrationsUserTransactionWarning));

    public DbConnection CreateConnection() => new SqliteConnection(ConnectionString);

    /// <summary>
    /// Write-ahead logging lets readers go on while one writer commits; it is a property of the file,
    /// set once. Synchronous stays FULL (the default): a committed clinical record survives power loss.
    /// </summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string HistoryTable(string moduleId) => $"__migrations_{moduleId}";
}
