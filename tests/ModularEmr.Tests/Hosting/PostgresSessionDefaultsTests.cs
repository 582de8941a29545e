using System.Data.Common;
using ModularEmr.Host.Data.Postgres;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// The session defaults the host gives its PostgreSQL connections (automatic preparation, no parallel
/// workers), which the search figures rest on, and the operator's connection string overriding each.
/// </summary>
public sealed class PostgresSessionDefaultsTests
{
    private const string Repeated = "SELECT count(*) FROM pg_class WHERE relname = 'pg_type'";

    [PostgresFact]
    public async Task The_hosts_sessions_prepare_repeated_statements_and_plan_no_parallel_workers_even_after_the_pool_resets_them()
    {
        await using var database = new PostgresEmrDatabase(await Postgres.CreateDatabaseAsync());

        // Twice through the pool: the second use is the same physical connection after Npgsql's reset.
        for (var use = 0; use < 2; use++)
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync();
            Assert.Equal("0", await ScalarAsync(connection, "SHOW max_parallel_workers_per_gather"));
            for (var run = 0; run < 3; run++)
            {
                await ScalarAsync(connection, Repeated);
            }

            Assert.NotEqual("0", await ScalarAsync(connection, "SELECT count(*) FROM pg_prepared_statements"));
        }
    }

    [PostgresFact]
    public async Task A_connection_string_that_sets_either_keeps_its_own_value()
    {
        var connectionString = await Postgres.CreateDatabaseAsync();
        await using var database = new PostgresEmrDatabase(connectionString + ";Options=-c max_parallel_workers_per_gather=1;Max Auto Prepare=0");
        await using var connection = database.CreateConnection();
        await connection.OpenAsync();

        Assert.Equal("1", await ScalarAsync(connection, "SHOW max_parallel_workers_per_gather"));
        for (var run = 0; run < 3; run++)
        {
            await ScalarAsync(connection, Repeated);
        }

        Assert.Equal("0", await ScalarAsync(connection, "SELECT count(*) FROM pg_prepared_statements"));
    }

    private static async Task<string> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
