using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Data;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Records;

/// <summary>
/// The search queries on PostgreSQL keep a way through their indexes, by the rules the SQLite check applies: with
/// sequential scans and sorts priced out (the demo data is too small for the planner to want an index otherwise),
/// no plan reads a whole table, name candidates are key ranges on the key indexes, the order is walked on its index
/// without a sort, and the text columns compare in code-point order (<c>COLLATE "C"</c>) as on SQLite, so prefix
/// ranges and keyset pages mean the same on both.
/// </summary>
public sealed class PostgresSearchPlanTests
{
    [PostgresFact]
    public async Task Search_queries_keep_using_their_indexes_on_postgresql()
    {
        await using var oauth = await OAuth2Harness.StartAsync(settings: null, Postgres.HostArguments(await Postgres.CreateDatabaseAsync()));

        // The generator works on PostgreSQL too, beside the running server: ids come from the tables' own
        // sequences, so a record the server creates afterwards takes the next one.
        var (exit, output, error) = await oauth.Host.RunCliAsync("demo", "generate", "--patients", "2000");
        Assert.True(exit == 0, error);
        Assert.Contains("S000000001 to S000002000", output, StringComparison.Ordinal);
        await using (var records = oauth.Host.CreateScope())
        {
            await records.ServiceProvider.GetRequiredService<IPatientRecords>().CreateAsync(
                new NewPatient("F", new DateOnly(1980, 1, 1), false, [new PersonNameInput { GivenName = "After", FamilyName = "Generation" }], [new NewPatientIdentifier("National ID", "PG-AFTER-1")]),
                actingUserUuid: null);
        }

        await using var scope = oauth.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoreDbContext>();
        Assert.Equal(1, await db.PatientIdentifiers.CountAsync(i => i.Identifier == "S000000500"));
        Assert.Equal(1, await db.PersonNames.CountAsync(n => n.FamilyKey == "generation"));

        foreach (var (name, query) in await SearchPlans.QueriesAsync(db))
        {
            var plan = await ExplainAsync(db, query);

            Assert.False(plan.Contains("Seq Scan", StringComparison.Ordinal), $"{name}:\n{plan}");
            if (name.Contains("candidates", StringComparison.Ordinal))
            {
                // Name candidates come from the key indexes as ranges (only from the index for a prefix, as on SQLite).
                var scan = name.Contains("exact", StringComparison.Ordinal) ? "Index (Only )?Scan" : "Index Only Scan";
                Assert.True(Regex.IsMatch(plan, scan + @"( Backward)? using ""IX_person_name_(family|given|middle|family2)_key_person_sort"), $"{name}:\n{plan}");
                Assert.True(Regex.IsMatch(plan, @"Index Cond: \(+\w*_key >=|Index Cond: \(+\w*_key = "), $"{name}:\n{plan}");
            }

            if (name.StartsWith("order", StringComparison.Ordinal))
            {
                // The order is walked on its index, never sorted.
                Assert.False(plan.Replace("Sort Key: ", string.Empty, StringComparison.Ordinal).Contains("Sort", StringComparison.Ordinal), $"{name}:\n{plan}");
                Assert.Contains("IX_person_sort_family_sort_given_id", plan, StringComparison.Ordinal);
            }
        }

        var collations = await Database.QueryAsync(oauth.Host.DatabaseFile,
            "SELECT table_name || '.' || column_name || '=' || coalesce(collation_name, 'default') FROM information_schema.columns " +
            "WHERE table_schema = 'public' AND table_name IN ('person', 'person_name') AND (column_name LIKE '%\\_key' OR column_name LIKE '%sort\\_%') ORDER BY 1");
        Assert.Equal(8, collations.Count);
        Assert.All(collations, c => Assert.EndsWith("=C", c, StringComparison.Ordinal));
    }

    /// <summary>PostgreSQL's plan for the command EF makes of <paramref name="query"/>, with its parameters.</summary>
    private static async Task<string> ExplainAsync(CoreDbContext db, IQueryable query)
    {
        await using DbCommand command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN " + command.CommandText;
        await db.Database.OpenConnectionAsync();
        try
        {
            await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off; SET enable_sort = off");
            var lines = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            do
            {
                while (await reader.ReadAsync())
                {
                    lines.Add(reader.GetString(0));
                }
            }
            while (await reader.NextResultAsync());
            return string.Join('\n', lines);
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("RESET ALL");
            await db.Database.CloseConnectionAsync();
        }
    }
}
