using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;
using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Tests.Records;

/// <summary>
/// Issue 13: writes under concurrency, on the real host and its SQLite file. Every request here runs at
/// the same time as the others, so the writer's shared commits, savepoints and cache signals are exercised
/// as a loaded server exercises them.
/// </summary>
public sealed class ConcurrentWriteTests : IAsyncLifetime
{
    private const string Alice = FhirHarness.AliceId;
    private OAuth2Harness _oauth = null!;
    private string _restToken = null!;
    private string _fhirToken = null!;

    public async Task InitializeAsync()
    {
        _oauth = await OAuth2Harness.StartAsync(null, "--Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=Information");
        _restToken = await _oauth.TokenAsync("admin", "Admin123", "rest.read rest.write");
        _fhirToken = await _oauth.TokenAsync("admin", "Admin123", "user/Patient.cruds");
    }

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task Thirty_two_concurrent_name_additions_to_one_person_are_all_stored_once_with_one_preferred_name()
    {
        var versionBefore = await PersonVersionAsync(Alice);

        // 32 valid additions and 8 refused ones in the same rush: a refused write shares a commit with
        // valid ones and takes none of them down.
        var valid = Enumerable.Range(0, 32).Select(i => AddNameAsync(Alice, "Rush", $"Concurrent-{i:00}"));
        var refused = Enumerable.Range(0, 8).Select(i => AddNameAsync(Alice, given: null, $"Refused-{i}"));
        var answers = await Task.WhenAll(valid.Concat(refused));

        var created = answers.Take(32).ToList();
        Assert.All(created, answer => Assert.Equal(HttpStatusCode.Created, answer.Status));
        Assert.Equal(32, created.Select(a => (string)a.Body["uuid"]!).Distinct().Count());
        Assert.All(answers.Skip(32), answer => Assert.Equal(HttpStatusCode.BadRequest, answer.Status));

        var stored = await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT n.uuid FROM person_name n JOIN person p ON p.id = n.person_id WHERE p.uuid = @p AND n.family_name LIKE 'Concurrent-%'", ("@p", Alice));
        Assert.Equal(created.Select(a => (string?)a.Body["uuid"]).Order(), stored.Order());
        Assert.Empty(await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT id FROM person_name WHERE family_name LIKE 'Refused-%'"));
        Assert.Equal(["1"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT count(*) FROM person_name n JOIN person p ON p.id = n.person_id WHERE p.uuid = @p AND n.preferred = TRUE AND n.voided = FALSE", ("@p", Alice)));

        // Each acknowledged write raised the person's version once, in the same transaction as its name.
        Assert.Equal(versionBefore + 32, await PersonVersionAsync(Alice));

        // The preferred name is the one added last, as each addition asked to be preferred in turn.
        var person = JsonNode.Parse(await (await RestAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}?v=full")).Content.ReadAsStringAsync())!;
        var preferred = (string)person["preferredName"]!["uuid"]!;
        Assert.Contains(preferred, created.Select(a => (string)a.Body["uuid"]!));
    }

    [Fact]
    public async Task Sixteen_concurrent_creates_with_one_identifier_give_one_patient_and_fifteen_clear_refusals()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _fhirToken, new Patient
        {
            Gender = AdministrativeGender.Female,
            Name = [new HumanName { Family = $"Twin-{i}", Given = ["Same"], Use = HumanName.NameUse.Official }],
            Identifier = [new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-RACE-1")],
        })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var refusals = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(15, refusals.Count);
        foreach (var refusal in refusals)
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refusal.StatusCode);
            var outcome = await refusal.ResourceAsync<OperationOutcome>();
            Assert.Contains(outcome.Issue, issue => issue.Diagnostics?.Contains("already in use", StringComparison.Ordinal) == true);
        }

        Assert.Equal(["1"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT count(*) FROM patient_identifier WHERE identifier = 'NID-RACE-1'"));
        Assert.Equal(["1"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT count(*) FROM person_name WHERE family_name LIKE 'Twin-%'"));
    }

    [Fact]
    public async Task A_patient_naming_one_identifier_twice_is_refused_with_that_reason()
    {
        var response = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _fhirToken, new Patient
        {
            Name = [new HumanName { Family = "Echo", Given = ["Twice"], Use = HumanName.NameUse.Official }],
            Identifier = [new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-ECHO"), new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-ECHO")],
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var outcome = await response.ResourceAsync<OperationOutcome>();
        Assert.Contains(outcome.Issue, issue => issue.Diagnostics?.Contains("appears more than once", StringComparison.Ordinal) == true);
        Assert.Equal(["0"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT count(*) FROM patient_identifier WHERE identifier = 'NID-ECHO'"));
    }

    [Fact]
    public async Task The_unique_index_refuses_a_second_identifier_in_use_even_when_no_check_ran_first()
    {
        // A writer the host's checks cannot see (another process on the file) meets the index.
        var refused = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => Database.QueryAsync(
            _oauth.Host.DatabaseFile,
            "INSERT INTO patient_identifier (uuid, patient_id, identifier, identifier_type_id, preferred, date_created, voided) SELECT lower(hex(randomblob(16))), patient_id, identifier, identifier_type_id, 0, 0, 0 FROM patient_identifier WHERE NOT voided LIMIT 1"));
        Assert.Equal(2067, refused.SqliteExtendedErrorCode);
    }

    [Fact]
    public async Task A_write_whose_commit_fails_leaves_nothing_behind_and_answers_503_while_the_writes_beside_it_are_kept()
    {
        // A constraint SQLite checks only at COMMIT: a name given 'Doomed' makes the transaction uncommittable.
        await Database.QueryAsync(_oauth.Host.DatabaseFile, "CREATE TABLE commit_check (person_id INTEGER REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED)");
        await Database.QueryAsync(_oauth.Host.DatabaseFile, "CREATE TRIGGER doomed_at_commit AFTER INSERT ON person_name WHEN NEW.given_name = 'Doomed' BEGIN INSERT INTO commit_check VALUES (-1); END");
        var versionBefore = await PersonVersionAsync(Alice);
        var preferredBefore = await PreferredNameAsync(Alice);

        var alone = await AddNameAsync(Alice, "Doomed", "Alone");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, alone.Status);
        Assert.Equal("webservices.rest.error.not.saved", (string?)alone.Body["error"]?["code"]);
        Assert.Equal(versionBefore, await PersonVersionAsync(Alice));
        Assert.Equal(preferredBefore, await PreferredNameAsync(Alice));
        Assert.Empty(await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT id FROM person_name WHERE given_name = 'Doomed'"));

        // In company: the doomed write fails the shared commit, and the others are committed without it.
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => i % 4 == 0 ? AddNameAsync(Alice, "Doomed", $"Company-{i}") : AddNameAsync(Alice, "Kept", $"Company-{i}")));
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(i % 4 == 0 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.Created, answers[i].Status);
        }

        Assert.Empty(await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT id FROM person_name WHERE given_name = 'Doomed'"));
        Assert.Equal(["9"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT count(*) FROM person_name WHERE given_name = 'Kept'"));
        Assert.Equal(versionBefore + 9, await PersonVersionAsync(Alice));
    }

    [Fact]
    public async Task A_write_to_one_patient_leaves_the_others_cached_and_the_written_one_is_read_afresh()
    {
        var other = (await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT p.uuid FROM person p JOIN patient t ON t.person_id = p.id WHERE p.uuid <> @a LIMIT 1", ("@a", Alice))).Single()!;
        var reader = _fhirToken;
        Assert.Equal(HttpStatusCode.OK, (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{other}", reader)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", reader)).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await AddNameAsync(Alice, "Cache", "Buster")).Status);

        var beforeOther = _oauth.Host.Logs.Lines.Count;
        Assert.Equal(HttpStatusCode.OK, (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{other}", reader)).StatusCode);
        Assert.DoesNotContain(PatientQueries(beforeOther), line => true);

        var beforeAlice = _oauth.Host.Logs.Lines.Count;
        var alice = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", reader)).ResourceAsync<Patient>();
        Assert.NotEmpty(PatientQueries(beforeAlice));
        Assert.Contains(alice.Name, n => n.Family == "Buster");
    }

    private IEnumerable<string> PatientQueries(int from) =>
        _oauth.Host.Logs.Lines.Skip(from).Where(line => line.Contains("Executed DbCommand", StringComparison.Ordinal) && line.Contains("\"patient\"", StringComparison.Ordinal));

    private async Task<(HttpStatusCode Status, JsonNode Body)> AddNameAsync(string person, string? given, string family)
    {
        var body = new JsonObject { ["familyName"] = family };
        if (given is not null)
        {
            body["givenName"] = given;
        }

        using var response = await RestAsync(HttpMethod.Post, $"/ws/rest/v1/person/{person}/name", JsonContent.Create(body));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private async Task<HttpResponseMessage> RestAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _restToken);
        return await _oauth.Client.SendAsync(request);
    }

    private async Task<int> PersonVersionAsync(string person) =>
        int.Parse((await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT version FROM person WHERE uuid = @p", ("@p", person))).Single()!, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string?> PreferredNameAsync(string person) =>
        (await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT n.uuid FROM person_name n JOIN person p ON p.id = n.person_id WHERE p.uuid = @p AND n.preferred = TRUE", ("@p", person))).Single();
}
