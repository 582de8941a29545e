using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ModularEmr.Host.Demo;

/// <summary>
/// Inserts entities of one type through one prepared statement, its table, columns and value conversions
/// read from the EF Core model of the database in use: the rows are what SaveChanges would write, at a
/// fraction of its per-row cost (no change tracking, one statement compiled once). For bulk synthetic data only.
/// </summary>
internal sealed class BulkInserter : IDisposable
{
    private readonly DbCommand _command;
    private readonly (IClrPropertyGetter Getter, DbParameter Parameter, ValueConverter? Converter)[] _columns;
    private bool _prepared;

    public BulkInserter(DbContext db, Type entity, DbTransaction transaction)
    {
        var type = db.Model.FindEntityType(entity) ?? throw new ArgumentException($"{entity.Name} is not an entity of the model", nameof(entity));
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var properties = type.GetProperties().Where(p => p.GetColumnName(table) is not null).ToList();
        _command = transaction.Connection!.CreateCommand();
        _command.Transaction = transaction;
        // '@' names parameters for both Microsoft.Data.Sqlite and Npgsql.
        _command.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName(table)}\""))}) " +
            $"VALUES ({string.Join(", ", properties.Select((_, i) => $"@p{i}"))})";
        _columns = properties.Select((p, i) =>
        {
            var parameter = _command.CreateParameter();
            parameter.ParameterName = $"p{i}";
            _command.Parameters.Add(parameter);
            return (p.GetGetter(), parameter, p.GetTypeMapping().Converter);
        }).ToArray();
    }

    public void Insert(object entity)
    {
        foreach (var (getter, parameter, converter) in _columns)
        {
            var value = getter.GetClrValueUsingContainingEntity(entity);
            parameter.Value = value is null ? DBNull.Value : converter?.ConvertToProvider(value) ?? value;
        }

        if (!_prepared)
        {
            // Prepared once the parameters hold values: Npgsql takes their types from them.
            _command.Prepare();
            _prepared = true;
        }

        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();
}
