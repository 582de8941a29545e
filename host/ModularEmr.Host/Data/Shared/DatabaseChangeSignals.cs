using System.Data.Common;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Data.Shared;

/// <summary>
/// The change signals of a shared database: one row per topic in <c>change_signal</c>. Reading is a
/// primary-key lookup on a pooled connection; signalling commits at once (autocommit), before the change's
/// answer goes out, so the next request on any instance reads the new version.
/// </summary>
internal sealed class DatabaseChangeSignals(EmrDatabaseProvider database) : IChangeSignals
{
    private const string ReadSql = "SELECT version FROM " + ChangeSignal.Table + " WHERE topic = @topic";

    private const string SignalSql =
        "INSERT INTO " + ChangeSignal.Table + " (topic, version) VALUES (@topic, 1) " +
        "ON CONFLICT (topic) DO UPDATE SET version = " + ChangeSignal.Table + ".version + 1";

    public async ValueTask<long> VersionAsync(string topic, CancellationToken cancellationToken = default)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, ReadSql, topic);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : 0;
    }

    public async Task SignalAsync(string topic, CancellationToken cancellationToken = default)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, SignalSql, topic);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, string sql, string topic)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@topic";
        parameter.Value = topic;
        command.Parameters.Add(parameter);
        return command;
    }
}
