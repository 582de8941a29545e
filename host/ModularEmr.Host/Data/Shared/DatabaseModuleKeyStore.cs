using System.Data.Common;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Data.Shared;

/// <summary>
/// Module keys in a shared database (<c>module_key</c>), so every instance signs and decrypts with the same
/// keys. The first instance to store a key wins; the others read it. Anyone who can read the database can
/// read these keys, as anyone who can read the data folder can read the files of the embedded store.
/// </summary>
internal sealed class DatabaseModuleKeyStore(EmrDatabaseProvider database, string moduleId, TimeProvider clock) : IModuleKeyStore
{
    private const string InsertSql =
        "INSERT INTO " + ModuleKey.Table + " (module_id, name, value, created_at) VALUES (@module, @name, @value, @created) " +
        "ON CONFLICT (module_id, name) DO NOTHING";

    private const string ReadSql = "SELECT value FROM " + ModuleKey.Table + " WHERE module_id = @module AND name = @name";

    public string Describe(string name) => $"{ModuleKey.Table} ({moduleId}, {name}) in the {database.Name} database";

    // Modules read their keys while they register services, which is synchronous; this runs once per key at start.
    public string GetOrCreate(string name, Func<string> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        using var connection = database.CreateConnection();
        connection.Open();
        if (Read(connection, name) is { } stored)
        {
            return stored;
        }

        using (var insert = Command(connection, InsertSql, ("module", moduleId), ("name", name), ("value", create()), ("created", clock.GetUtcNow().UtcTicks)))
        {
            insert.ExecuteNonQuery();
        }

        return Read(connection, name) ?? throw new InvalidOperationException($"the key {Describe(name)} was stored but cannot be read back");
    }

    private string? Read(DbConnection connection, string name)
    {
        using var command = Command(connection, ReadSql, ("module", moduleId), ("name", name));
        return command.ExecuteScalar() as string;
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (parameterName, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + parameterName;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
