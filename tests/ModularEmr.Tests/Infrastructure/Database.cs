using Microsoft.Data.Sqlite;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>
/// Reads the host's database directly, to see what was really stored: its SQLite file, or on PostgreSQL
/// (<see cref="EmrTestHost.DatabaseFile"/> then starts with <see cref="PostgresPrefix"/>) the same SQL with
/// <c>$name</c> parameters read as <c>@name</c>.
/// </summary>
internal static class Database
{
    public const string PostgresPrefix = "postgres:";

    public static async Task<List<string?>> QueryAsync(string databaseFile, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = databaseFile.StartsWith(PostgresPrefix, StringComparison.Ordinal)
            ? (System.Data.Common.DbConnection)new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(databaseFile[PostgresPrefix.Length..]) { Pooling = false }.ConnectionString)
            : new SqliteConnection($"Data Source={databaseFile};Pooling=False");
        if (connection is Npgsql.NpgsqlConnection)
        {
            sql = System.Text.RegularExpressions.Regex.Replace(sql, @"\$(\w+)", "@$1");
            parameters = [.. parameters.Select(p => (p.Name.TrimStart('$'), p.Value))];
        }

        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        var values = new List<string?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.IsDBNull(0) ? null : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return values;
    }

    public static async Task<bool> TableExistsAsync(string databaseFile, string table) =>
        (await QueryAsync(
            databaseFile,
            databaseFile.StartsWith(PostgresPrefix, StringComparison.Ordinal)
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $name"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name = $name",
            ("$name", table))).Count == 1;
}
