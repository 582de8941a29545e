using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations;

// Npgsql's generator takes its options through an internal interface; this type only passes it on.
#pragma warning disable EF1001

namespace ModularEmr.Host.Data.Postgres;

/// <summary>
/// Runs migrations written against the embedded provider (what <c>dotnet ef migrations add</c> makes for a
/// module) on PostgreSQL, so a module ships one set of migrations for both. Three things in them are
/// SQLite's own and are translated: store types (SQLite's <c>TEXT</c>/<c>INTEGER</c> become the type
/// PostgreSQL maps the column's CLR type to: <c>text</c>, <c>character varying(n)</c>, <c>bigint</c>,
/// <c>boolean</c>…), autoincrement keys (identity columns), and text ordering: every text column without a
/// collation of its own gets <c>"C"</c>, so text compares by code point as SQLite's BINARY does and key
/// ranges and keyset pages read the same on both.
/// </summary>
/// <remarks>Raw SQL in a migration (<c>migrationBuilder.Sql</c>) is not translated: it must be portable.</remarks>
internal sealed class PortableMigrationsSqlGenerator(MigrationsSqlGeneratorDependencies dependencies, INpgsqlSingletonOptions options)
    : NpgsqlMigrationsSqlGenerator(dependencies, options)
{
    private const string SqliteAutoincrement = "Sqlite:Autoincrement";
    private const string NpgsqlValueGeneration = "Npgsql:ValueGenerationStrategy";
    private const string BinaryCollation = "C";

    public override IReadOnlyList<MigrationCommand> Generate(IReadOnlyList<MigrationOperation> operations, IModel? model = null, MigrationsSqlGenerationOptions options = MigrationsSqlGenerationOptions.Default)
    {
        foreach (var operation in operations)
        {
            switch (operation)
            {
                case CreateTableOperation table:
                    table.Columns.ForEach(Translate);
                    break;
                case AlterColumnOperation alter:
                    Translate(alter);
                    Translate(alter.OldColumn);
                    break;
                case ColumnOperation column:
                    Translate(column);
                    break;
            }
        }

        // Without the model the column types come from the CLR types above, not from the SQLite store types
        // the migration's target model still names.
        return base.Generate(operations, model: null, options);
    }

    private static void Translate(ColumnOperation column)
    {
        column.ColumnType = null;
        if (column.ClrType == typeof(string) && column.Collation is null)
        {
            column.Collation = BinaryCollation;
        }

        if (column.FindAnnotation(SqliteAutoincrement) is { Value: true })
        {
            column.RemoveAnnotation(SqliteAutoincrement);
            column.AddAnnotation(NpgsqlValueGeneration, NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
        }
    }
}
