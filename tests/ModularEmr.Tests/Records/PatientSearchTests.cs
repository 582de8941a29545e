// Firely's model marks most members nullable; these assertions read them as a client would.
#nullable disable warnings

using System.Globalization;
using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Host.Data;
using ModularEmr.Host.Hosting;
using ModularEmr.Host.Records.Search;
using ModularEmr.Sdk.Data;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;
using Patient = Hl7.Fhir.Model.Patient;
using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Tests.Records;

/// <summary>
/// Patient search at scale: name keys folded for case and accents, :exact and :contains, _total modes,
/// paging by position while patients are added, queries that keep using their indexes, and the synthetic
/// data generator that feeds the scale benchmark.
/// </summary>
public sealed class PatientSearchTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        _oauth = await OAuth2Harness.StartAsync();
        _admin = await _oauth.TokenAsync("admin", "Admin123", "user/Patient.cruds");
    }

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task Name_search_ignores_case_and_accents_and_takes_exact_and_contains()
    {
        await CreateAsync("Hélène", "Lefèvre", "Q-1");
        await CreateAsync("HELENE", "LEFEVRE", "Q-2");
        await CreateAsync("Zoë", "Groß-Lefèvre", "Q-3");

        Assert.Equal(["Q-1", "Q-2"], await IdentifiersAsync("family=lefe"));
        Assert.Equal(["Q-1", "Q-2"], await IdentifiersAsync("family=LEFÈ"));
        Assert.Equal(["Q-1", "Q-2"], await IdentifiersAsync("given=hele"));
        Assert.Equal(["Q-1", "Q-2"], await IdentifiersAsync("name=hel%20lef"));
        Assert.Equal(["Q-1"], await IdentifiersAsync("family:exact=Lef%C3%A8vre"));
        Assert.Empty(await IdentifiersAsync("family:exact=lef%C3%A8vre"));
        Assert.Empty(await IdentifiersAsync("family:exact=Lef"));
        Assert.Equal(["Q-1", "Q-2", "Q-3"], await IdentifiersAsync("family:contains=FEV"));
        Assert.Equal(["Q-3"], await IdentifiersAsync("name:contains=gro"));
        Assert.Equal(["Q-3"], await IdentifiersAsync("given:exact=Zo%C3%AB"));

        // A patient with two matching names is one match.
        await CreateAsync("Léa", "Lefort", "Q-4", secondFamily: "Lefèvre");
        Assert.Equal(["Q-1", "Q-2", "Q-4"], await IdentifiersAsync("family=lef"));
        Assert.Equal(["Q-4"], await IdentifiersAsync("family=lefo"));

        // LIKE wildcards in the text are plain characters.
        Assert.Empty(await IdentifiersAsync("family:contains=%25"));
        Assert.Empty(await IdentifiersAsync("family=_efe"));
    }

    [Fact]
    public async Task Bad_modifiers_totals_and_page_positions_are_an_OperationOutcome()
    {
        foreach (var query in new[] { "identifier:exact=Q-1", "family:missing=true", "_total=some", "_after=not-a-position", "_before=%2F%2F%2F" })
        {
            var response = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient?{query}", _admin);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, query);
            await response.ResourceAsync<OperationOutcome>();
        }
    }

    [Fact]
    public async Task Total_is_counted_as_asked()
    {
        var all = int.Parse((await Database.QueryAsync(_oauth.Host.DatabaseFile,
            "SELECT count(*) FROM person p JOIN patient x ON x.person_id = p.id WHERE NOT p.voided AND NOT x.voided"))[0]!, CultureInfo.InvariantCulture);

        Assert.Equal(all, (await BundleAsync("_count=2")).Total);
        Assert.Equal(all, (await BundleAsync("_count=2&_total=estimate")).Total);
        Assert.Equal(all, (await BundleAsync("_count=2&_total=accurate")).Total);
        var none = await BundleAsync("_count=2&_total=none");
        Assert.Null(none.Total);
        Assert.NotNull(none.NextLink);
    }

    [Fact]
    public async Task Generated_patients_carry_the_search_columns_a_save_writes_and_an_estimate_stops_counting_at_its_bound()
    {
        var (exit, output, error) = await _oauth.Host.RunCliAsync("demo", "generate", "--patients", "2500", "--seed", "7");
        Assert.True(exit == 0, error);
        Assert.Contains("added 2500 patients, S000000001 to S000002500", output, StringComparison.Ordinal);

        Assert.Equal(["0"], await Database.QueryAsync(_oauth.Host.DatabaseFile, """
            SELECT count(*) FROM person p
            WHERE p.sort_family <> coalesce((SELECT n.family_key FROM person_name n WHERE n.person_id = p.id AND n.preferred AND NOT n.voided ORDER BY n.id LIMIT 1), '')
               OR p.sort_given <> coalesce((SELECT n.given_key FROM person_name n WHERE n.person_id = p.id AND n.preferred AND NOT n.voided ORDER BY n.id LIMIT 1), '')
            """));
        Assert.Equal(["0"], await Database.QueryAsync(_oauth.Host.DatabaseFile,
            "SELECT count(*) FROM person_name n JOIN person p ON p.id = n.person_id WHERE n.person_sort_family <> p.sort_family OR n.person_sort_given <> p.sort_given"));
        Assert.Equal(["0"], await Database.QueryAsync(_oauth.Host.DatabaseFile,
            "SELECT count(*) FROM person_name WHERE NOT voided AND (family_key IS NOT lower(family_name) AND family_name NOT GLOB '*[^ -~]*')"));
        Assert.Equal(["S000000500"], (await BundleAsync("identifier=S000000500")).Entry.Select(e => ((Patient)e.Resource).Identifier[0].Value));

        var estimated = await BundleAsync("_count=5");
        Assert.Null(estimated.Total);
        var accurate = await BundleAsync("_count=5&_total=accurate");
        Assert.True(accurate.Total > Page<object>.CountLimit);

        var refused = await _oauth.Host.RunCliAsync("demo", "generate", "--patients", "0");
        Assert.NotEqual(0, refused.Exit);
        Assert.Contains("--patients must be a positive number", refused.Error, StringComparison.Ordinal);

        // A second run continues the identifiers instead of colliding with the first.
        var again = await _oauth.Host.RunCliAsync("demo", "generate", "--patients", "3");
        Assert.Contains("S000002501 to S000002503", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_written_concurrently_leave_every_search_key_and_sort_key_true_to_the_stored_names()
    {
        await CreateAsync("Conc", "Base-One", "Q-C1");
        await CreateAsync("Conc", "Base-Two", "Q-C2");
        var persons = (await BundleAsync("family=base-")).Entry.Select(e => e.Resource.Id).ToList();
        Assert.Equal(2, persons.Count);
        var rest = await _oauth.TokenAsync("admin", "Admin123", "rest.read rest.write");

        // 48 writers at once on two persons: names added preferred or not, through the record writer's batches.
        var answers = await Task.WhenAll(Enumerable.Range(0, 48).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/ws/rest/v1/person/{persons[i % 2]}/name")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { givenName = $"Écrit{i}", familyName = $"Çoncurrent{i:00}", preferred = i % 3 != 0 }),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", rest);
            using var response = await _oauth.Client.SendAsync(request);
            return response.StatusCode;
        }));
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.Created, status));

        Assert.Equal(["0"], await Database.QueryAsync(_oauth.Host.DatabaseFile, """
            SELECT count(*) FROM person p
            WHERE p.sort_family <> coalesce((SELECT n.family_key FROM person_name n WHERE n.person_id = p.id AND n.preferred AND NOT n.voided ORDER BY n.id LIMIT 1), '')
               OR p.sort_given <> coalesce((SELECT n.given_key FROM person_name n WHERE n.person_id = p.id AND n.preferred AND NOT n.voided ORDER BY n.id LIMIT 1), '')
            """));
        Assert.Equal(["0"], await Database.QueryAsync(_oauth.Host.DatabaseFile,
            "SELECT count(*) FROM person_name n JOIN person p ON p.id = n.person_id WHERE n.person_sort_family <> p.sort_family OR n.person_sort_given <> p.sort_given"));
        for (var i = 0; i < 48; i++)
        {
            Assert.Equal([persons[i % 2]], (await BundleAsync($"family=concurrent{i:00}&given=ecrit{i}")).Entry.Select(e => e.Resource.Id));
        }
    }

    [Theory]
    [InlineData("gender=female", 40)]
    [InlineData("family=Garc", 7)]
    [InlineData("birthdate=ge1990-01-01&gender=male", 25)]
    public async Task Paging_by_the_links_visits_every_match_once_in_order_while_patients_are_added(string query, int count)
    {
        Assert.Equal(0, (await _oauth.Host.RunCliAsync("demo", "generate", "--patients", "2500")).Exit);
        var expected = await ExpectedOrderAsync(query);
        Assert.True(expected.Count > 2 * count, $"{expected.Count} matches");

        var seen = new List<string>();
        var page = await BundleAsync($"{query}&_count={count}");
        var added = 0;
        while (true)
        {
            seen.AddRange(page.Entry.Where(e => e.Resource is Patient).Select(e => e.Resource.Id));

            // Matches added before and after the position: those before must not push a match onto the next page twice.
            await CreateAsync("Aaron", "Aardvark", $"ADD-{added++}", gender: "F", birthdate: new DateOnly(1995, 1, 1));
            await CreateAsync("Zed", "Zzyzx", $"ADD-{added++}", gender: "M", birthdate: new DateOnly(1995, 1, 1));
            if (page.NextLink is null)
            {
                break;
            }

            page = await (await _oauth.SendAsync(HttpMethod.Get, page.NextLink.PathAndQuery, _admin)).ResourceAsync<Bundle>();
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        var original = seen.Where(expected.Contains).ToList();
        Assert.Equal(expected, original);

        // And back: the previous links from the last page retrace the same matches.
        var back = new List<string>();
        while (page.PreviousLink is not null)
        {
            page = await (await _oauth.SendAsync(HttpMethod.Get, page.PreviousLink.PathAndQuery, _admin)).ResourceAsync<Bundle>();
            back.InsertRange(0, page.Entry.Select(e => e.Resource.Id));
        }

        Assert.Equal(expected.Take(back.Count(expected.Contains)), back.Where(expected.Contains));
    }

    [Fact]
    public async Task Search_queries_keep_using_their_indexes()
    {
        await using var scope = _oauth.Host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CoreDbContext>();
        var plans = await SearchPlans.QueriesAsync(db);

        foreach (var (name, query) in plans)
        {
            var plan = await ExplainAsync(query.ToQueryString());
            var steps = string.Join("\n", plan);

            // No step reads a whole table or sorts a whole match set. Scanning a subquery's own rows (a
            // co-routine, a materialized union of index ranges) reads no table.
            var subqueries = plan.Where(step => step.StartsWith("CO-ROUTINE ", StringComparison.Ordinal) || step.StartsWith("MATERIALIZE ", StringComparison.Ordinal))
                .Select(step => "SCAN " + step[(step.IndexOf(' ', StringComparison.Ordinal) + 1)..]).ToHashSet();
            Assert.False(plan.Any(step => step.StartsWith("SCAN ", StringComparison.Ordinal) && !step.Contains("VIRTUAL TABLE", StringComparison.Ordinal)
                && !subqueries.Contains(step) && !step.Contains("COVERING INDEX IX_person_sort_family_sort_given_id", StringComparison.Ordinal)), $"{name}:\n{steps}");
            if (name.Contains("candidates", StringComparison.Ordinal))
            {
                // Prefix candidates and their order come from the key indexes alone; an exact match also reads
                // the stored part of each row whose key matched.
                var index = name.Contains("exact", StringComparison.Ordinal) ? "USING INDEX IX_person_name_" : "USING COVERING INDEX IX_person_name_";
                Assert.All(plan.Where(step => step.StartsWith("SEARCH ", StringComparison.Ordinal)), step => Assert.Contains(index, step, StringComparison.Ordinal));
            }

            if (name.StartsWith("order", StringComparison.Ordinal))
            {
                Assert.DoesNotContain("TEMP B-TREE FOR ORDER BY", steps, StringComparison.Ordinal);
                Assert.Contains("IX_person_sort_family_sort_given_id (sort_family", steps, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>SQLite's plan for a query EF wrote (ToQueryString gives its parameters as .param lines).</summary>
    private async Task<List<string>> ExplainAsync(string script)
    {
        var lines = script.Split('\n');
        await using var connection = new SqliteConnection($"Data Source={_oauth.Host.DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lines.Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));
        foreach (var line in lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)))
        {
            var rest = line[".param set ".Length..].Trim();
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            var literal = rest[(space + 1)..];
            object value = literal.StartsWith('\'') ? literal[1..^1].Replace("''", "'", StringComparison.Ordinal) : long.Parse(literal, CultureInfo.InvariantCulture);
            command.Parameters.AddWithValue(rest[..space], value);
        }

        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    /// <summary>The uuids the search should give, in its order, straight from the database.</summary>
    private async Task<List<string>> ExpectedOrderAsync(string query)
    {
        var all = await BundleAsync($"{query}&_count=100&_total=accurate");
        var uuids = new List<string>();
        for (var page = all; ; page = await (await _oauth.SendAsync(HttpMethod.Get, page.NextLink.PathAndQuery, _admin)).ResourceAsync<Bundle>())
        {
            uuids.AddRange(page.Entry.Select(e => e.Resource.Id));
            if (page.NextLink is null)
            {
                break;
            }
        }

        Assert.Equal(all.Total, uuids.Count);
        var ordered = await Database.QueryAsync(_oauth.Host.DatabaseFile,
            $"SELECT uuid FROM person WHERE uuid IN ({string.Join(", ", uuids.Select(u => $"'{u}'"))}) ORDER BY sort_family, sort_given, id");
        Assert.Equal(ordered, uuids);
        return uuids;
    }

    private async Task<Bundle> BundleAsync(string query)
    {
        var response = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient?{query}", _admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ResourceAsync<Bundle>();
    }

    private async Task<List<string>> IdentifiersAsync(string query) =>
        (await BundleAsync(query + "&_count=100")).Entry.SelectMany(e => ((Patient)e.Resource).Identifier).Select(i => i.Value).Where(v => v.StartsWith("Q-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    private async Task CreateAsync(string given, string family, string identifier, string gender = "F", DateOnly? birthdate = null, string? secondFamily = null)
    {
        await using var scope = _oauth.Host.CreateScope();
        List<PersonNameInput> names = [new PersonNameInput { GivenName = given, FamilyName = family }];
        if (secondFamily is not null)
        {
            names.Add(new PersonNameInput { GivenName = given, FamilyName = secondFamily, Preferred = false });
        }

        await scope.ServiceProvider.GetRequiredService<IPatientRecords>().CreateAsync(
            new NewPatient(gender, birthdate ?? new DateOnly(1980, 1, 1), false, names, [new NewPatientIdentifier("National ID", identifier)]),
            actingUserUuid: null);
    }
}
