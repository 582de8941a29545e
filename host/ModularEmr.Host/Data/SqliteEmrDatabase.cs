using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data.Writes;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Data;

/// <summary>
/// The embedded SQLite database in the data folder, shared by the host and every module: its connections,
/// its context configuration and its write gate. Modules see it through <see cref="EmrDatabase"/>. One host
/// process writes it (the command line waits its turn), so it is never shared.
/// </summary>
internal sealed class SqliteEmrDatabase : EmrDatabaseProvider
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

    public override string Name => Provider;

    public override bool IsShared => false;

    public string ConnectionString { get; }

    /// <summary>The one writer at a time of this database file, within this process.</summary>
    public WriteGate Gate { get; } = new();

    public override void Configure(DbContextOptionsBuilder options, string moduleId) =>
        WithHostConventions(options
            .UseSqlite(ConnectionString, sqlite => sqlite.MigrationsHistoryTable(HistoryTable(moduleId)))
            .AddInterceptors(_gateInterceptor, ReadTuning));

    public override void Configure(DbContextOptionsBuilder options, string moduleId, DbConnection connection) => ConfigureOn(options, moduleId, connection);

    /// <summary>Points a context at an open SQLite connection (the install transaction's, the record writer's).</summary>
    public static void ConfigureOn(DbContextOptionsBuilder options, string moduleId, DbConnection connection) =>
        WithHostConventions(options.UseSqlite(connection, sqlite => sqlite.MigrationsHistoryTable(HistoryTable(moduleId))));

    /// <summary>Each install transaction already holds the file's only write lock (transactions begin IMMEDIATE).</summary>
    public override Task<IAsyncDisposable> HoldMigrationLockAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public override DbConnection CreateConnection() => new SqliteConnection(ConnectionString);

    /// <summary>
    /// Write-ahead logging lets readers go on while one writer commits; it is a property of the file,
    /// set once. Synchronous stays FULL (the default): a committed clinical record survives power loss.
    /// </summary>
    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
