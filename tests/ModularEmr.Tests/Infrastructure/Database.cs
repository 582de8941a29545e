using Microsoft.Data.Sqlite;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>Reads the host's SQLite file directly, to see what was really stored.</summary>
internal static class Database
{
    public static async Task<List<string?>> QueryAsync(string databaseFile, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={databaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
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
        (await QueryAsync(databaseFile, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = $name", ("$name", table))).Count == 1;
}
