using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ModularEmr.Host.Demo;

/// <summary>
/// Inserts entities of one type through one prepared statement, its table, columns and value conversions
/// read from the EF Core model: the rows are what SaveChanges would write, at a fraction of its per-row
/// cost (no change tracking, one statement compiled once). For bulk synthetic data only.
/// </summary>
internal sealed class BulkInserter : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly (IClrPropertyGetter Getter, SqliteParameter Parameter, ValueConverter? Converter)[] _columns;

    public BulkInserter(DbContext db, Type entity, SqliteTransaction transaction)
    {
        var type = db.Model.FindEntityType(entity) ?? throw new ArgumentException($"{entity.Name} is not an entity of the model", nameof(entity));
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var properties = type.GetProperties().Where(p => p.GetColumnName(table) is not null).ToList();
        _command = transaction.Connection!.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""))}) " +
            $"VALUES ({string.Join(", ", properties.Select((_, i) => $"$p{i}"))})";
        _columns = properties.Select((p, i) => (p.GetGetter(), _command.Parameters.Add(new SqliteParameter($"$p{i}", null)), p.GetTypeMapping().Converter)).ToArray();
        _command.Prepare();
    }

    public void Insert(object entity)
    {
        foreach (var (getter, parameter, converter) in _columns)
        {
            var value = getter.GetClrValueUsingContainingEntity(entity);
            parameter.Value = value is null ? DBNull.Value : converter?.ConvertToProvider(value) ?? value;
        }

        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();
}
