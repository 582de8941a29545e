using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Rest;

public sealed class RestTests : IAsyncLifetime
{
    private const string Alice = FhirHarness.AliceId;
    private const string Bob = "b0b6c7e2-0002-4c1a-9d3e-5f1d2c3b4a02";
    private OAuth2Harness _oauth = null!;
    private string _aliceToken = null!;
    private string _adminToken = null!;

    public async Task InitializeAsync()
    {
        _oauth = await OAuth2Harness.StartAsync();
        _aliceToken = await _oauth.TokenAsync("alice", "Alice123", "rest.read rest.write patient/Patient.rs launch/patient");
        _adminToken = await _oauth.TokenAsync("admin", "Admin123", "rest.read rest.write");
    }

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await _oauth.Client.SendAsync(request);
    }

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    public static TheoryData<string> TokenPlaces => ["header", "json", "form"];

    /// <summary>
    /// Each name carries its person's place in the search order. An added name that does not move the person
    /// is the only row written; one that moves it rewrites every name of the person. (Rewriting all of them
    /// on every added name made a write cost as much as the person has names.)
    /// </summary>
    [Fact]
    public async Task Adding_a_name_writes_that_name_alone_unless_the_person_moves_in_the_search_order()
    {
        var database = _oauth.Host.DatabaseFile;
        if (database.StartsWith(Infrastructure.Database.PostgresPrefix, StringComparison.Ordinal))
        {
            return; // the trigger below is SQLite's; the behaviour is the same SQL on both
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Bob}/name", _adminToken, JsonContent.Create(new { givenName = "Bob", familyName = $"Alias{i}", preferred = false }))).StatusCode);
        }

        await Infrastructure.Database.QueryAsync(database, "CREATE TABLE name_writes (id INTEGER)");
        await Infrastructure.Database.QueryAsync(database, "CREATE TRIGGER count_name_writes AFTER UPDATE ON person_name BEGIN INSERT INTO name_writes VALUES (new.id); END");
        var person = (await Infrastructure.Database.QueryAsync(database, "SELECT id FROM person WHERE uuid = $uuid", ("$uuid", Bob))).Single()!;
        var names = await Infrastructure.Database.QueryAsync(database, "SELECT count(*) FROM person_name WHERE person_id = $p", ("$p", person));

        var alias = await JsonAsync(await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Bob}/name", _adminToken, JsonContent.Create(new { givenName = "Bob", familyName = "Alias9", preferred = false })));
        var aliasId = (await Infrastructure.Database.QueryAsync(database, "SELECT id FROM person_name WHERE uuid = $uuid", ("$uuid", (string)alias["uuid"]!))).Single();
        Assert.Equal([aliasId], await Infrastructure.Database.QueryAsync(database, "SELECT DISTINCT id FROM name_writes"));

        await Infrastructure.Database.QueryAsync(database, "DELETE FROM name_writes");
        var order = await Infrastructure.Database.QueryAsync(database, "SELECT sort_family FROM person WHERE id = $p", ("$p", person));
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Bob}/name", _adminToken, JsonContent.Create(new { givenName = "Bob", familyName = "Aardvark", preferred = true }))).StatusCode);
        Assert.NotEqual(order, await Infrastructure.Database.QueryAsync(database, "SELECT sort_family FROM person WHERE id = $p", ("$p", person)));
        Assert.Equal(int.Parse(names.Single()!, System.Globalization.CultureInfo.InvariantCulture) + 2, (await Infrastructure.Database.QueryAsync(database, "SELECT DISTINCT id FROM name_writes")).Count);
        // Every name, old and new, carries the person's new place.
        Assert.Equal(["0"], await Infrastructure.Database.QueryAsync(database, "SELECT count(*) FROM person_name n JOIN person p ON p.id = n.person_id WHERE p.id = $p AND (n.person_sort_family <> p.sort_family OR n.person_sort_given <> p.sort_given)", ("$p", person)));
        await Infrastructure.Database.QueryAsync(database, "DROP TRIGGER count_name_writes");
    }

    [Theory]
    [MemberData(nameof(TokenPlaces))]
    public async Task Bobs_app_renames_Alice_with_the_token_in_each_place_and_rest_and_fhir_both_show_it(string place)
    {
        var family = $"Monroe-{place}";
        HttpContent content = place switch
        {
            "json" => JsonContent.Create(new Dictionary<string, string> { ["givenName"] = "Alice", ["familyName"] = family, ["access_token"] = _aliceToken }),
            "form" => new FormUrlEncodedContent([new("givenName", "Alice"), new("familyName", family), new("access_token", _aliceToken)]),
            _ => JsonContent.Create(new { givenName = "Alice", familyName = family }),
        };

        var response = await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", place == "header" ? _aliceToken : null, content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var name = await JsonAsync(response);
        Assert.Equal($"Alice {family}", (string?)name["display"]);
        Assert.DoesNotContain(_aliceToken, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var person = await JsonAsync(await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}", _aliceToken));
        Assert.Equal($"Alice {family}", (string?)person["display"]);

        var fhir = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _aliceToken)).ResourceAsync<Hl7.Fhir.Model.Patient>();
        Assert.Equal(family, fhir.Name.First(n => n.Use == Hl7.Fhir.Model.HumanName.NameUse.Official).Family);
    }

    [Fact]
    public async Task A_fhir_client_polling_alice_sees_a_rest_rename_and_a_void_on_its_very_next_read()
    {
        // Warm: the host keeps the patient and the FHIR module its document after the first read.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _aliceToken)).StatusCode);
        }

        var before = (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _aliceToken)).Headers.ETag;
        var created = await JsonAsync(await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", _aliceToken, JsonContent.Create(new { givenName = "Alice", familyName = "Polled" })));

        var renamed = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _aliceToken);
        Assert.NotEqual(before, renamed.Headers.ETag);
        Assert.Equal("Polled", (await renamed.ResourceAsync<Hl7.Fhir.Model.Patient>()).Name.First(n => n.Use == Hl7.Fhir.Model.HumanName.NameUse.Official).Family);

        var voided = await SendAsync(HttpMethod.Delete, $"/ws/rest/v1/person/{Alice}/name/{(string?)created["uuid"]}?reason=typo", _aliceToken);
        Assert.Equal(HttpStatusCode.NoContent, voided.StatusCode);
        var after = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _aliceToken)).ResourceAsync<Hl7.Fhir.Model.Patient>();
        Assert.DoesNotContain(after.Name, n => n.Family == "Polled" && n.Use == Hl7.Fhir.Model.HumanName.NameUse.Official);
    }

    [Fact]
    public async Task Every_change_records_who_made_it()
    {
        await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", _adminToken, JsonContent.Create(new { givenName = "Alice", familyName = "Audited" }));

        var full = await JsonAsync(await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}?v=full", _adminToken));
        var names = await JsonAsync(await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}/name?v=full", _adminToken));
        var admin = await JsonAsync(await SendAsync(HttpMethod.Get, "/ws/rest/v1/user?q=admin", _adminToken));
        var adminUuid = (string?)admin["results"]![0]!["uuid"];
        var audited = names["results"]!.AsArray().Single(n => (string?)n!["familyName"] == "Audited")!;
        Assert.Equal(adminUuid, (string?)audited["auditInfo"]!["creator"]!["uuid"]);
        Assert.Equal(adminUuid, (string?)full["auditInfo"]!["changedBy"]!["uuid"]);
        Assert.NotNull(full["auditInfo"]!["dateChanged"]);
    }

    [Fact]
    public async Task Representations_ref_default_and_full_have_the_openmrs_shape()
    {
        var reference = (JsonObject)await JsonAsync(await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}?v=ref", _aliceToken));
        var standard = (JsonObject)await JsonAsync(await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}", _aliceToken));
        var full = (JsonObject)await JsonAsync(await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}?v=full", _aliceToken));

        Assert.Equal(["display", "links", "uuid"], reference.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("Alice Smith", (string?)reference["display"]);
        Assert.Equal($"http://localhost/ws/rest/v1/person/{Alice}", (string?)reference["links"]![0]!["uri"]);
        Assert.Contains("preferredName", standard.Select(p => p.Key));
        Assert.Equal("F", (string?)standard["gender"]);
        Assert.Equal(["full", "self"], standard["links"]!.AsArray().Select(l => (string)l!["rel"]!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("names", standard.Select(p => p.Key));
        Assert.Contains("names", full.Select(p => p.Key));
        Assert.Contains("auditInfo", full.Select(p => p.Key));

        var bad = await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}?v=everything", _aliceToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Invalid_submissions_get_openmrs_errors_and_change_nothing()
    {
        var before = (await JsonAsync(await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}/name", _aliceToken)))["results"]!.AsArray().Count;

        var missing = await JsonAsync(await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", _aliceToken, JsonContent.Create(new { givenName = "Alice" })));
        Assert.Equal("webservices.rest.error.invalid.submission", (string?)missing["error"]!["code"]);
        Assert.NotNull(missing["error"]!["fieldErrors"]!["familyName"]);

        var tooLong = await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", _aliceToken, JsonContent.Create(new { givenName = "Alice", familyName = new string('x', 51) }));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("50 characters", (string?)(await JsonAsync(tooLong))["error"]!["fieldErrors"]!["familyName"]![0]!["message"], StringComparison.Ordinal);

        var unknown = await JsonAsync(await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", _aliceToken, JsonContent.Create(new { givenName = "A", familyName = "B", nickname = "Al" })));
        Assert.NotNull(unknown["error"]!["fieldErrors"]!["nickname"]);

        var malformed = await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", _aliceToken, new StringContent("{\"givenName\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("webservices.rest.error.bad.request", (string?)(await JsonAsync(malformed))["error"]!["code"]);

        var text = await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", _aliceToken, new StringContent("Alice Monroe", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);

        var unknownPerson = await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Guid.NewGuid()}", _adminToken);
        Assert.Equal(HttpStatusCode.NotFound, unknownPerson.StatusCode);
        Assert.Equal("webservices.rest.error.not.found", (string?)(await JsonAsync(unknownPerson))["error"]!["code"]);

        Assert.Equal(before, (await JsonAsync(await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}/name", _aliceToken)))["results"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_name_is_edited_in_place_and_voided_with_a_reason_then_reads_as_not_found()
    {
        var created = await JsonAsync(await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", _aliceToken, JsonContent.Create(new { givenName = "Alice", familyName = "Temp", preferred = false })));
        var uuid = (string)created["uuid"]!;

        var edited = await JsonAsync(await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name/{uuid}?v=full", _aliceToken, JsonContent.Create(new { degree = "MD" })));
        Assert.Equal("Alice Temp MD", (string?)edited["display"]);
        Assert.False((bool)edited["preferred"]!);

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Delete, $"/ws/rest/v1/person/{Alice}/name/{uuid}?purge=true", _aliceToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/ws/rest/v1/person/{Alice}/name/{uuid}?reason=typo", _aliceToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}/name/{uuid}", _aliceToken)).StatusCode);
        Assert.Equal(["typo"], await Infrastructure.Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT void_reason FROM person_name WHERE uuid = $uuid", ("$uuid", uuid)));
    }

    [Fact]
    public async Task A_user_edits_their_own_record_but_not_someone_elses()
    {
        var other = await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Bob}", _aliceToken);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.StartsWith("Bearer", other.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("webservices.rest.error.forbidden", (string?)(await JsonAsync(other))["error"]!["code"]);

        var edit = await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Bob}/name", _aliceToken, JsonContent.Create(new { givenName = "Evil", familyName = "Twin" }));
        Assert.Equal(HttpStatusCode.Forbidden, edit.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Bob}", _adminToken)).StatusCode);
    }

    [Fact]
    public async Task Scopes_limit_what_a_token_may_do()
    {
        var readOnly = await _oauth.TokenAsync("admin", "Admin123", "rest.read");
        var write = await SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", readOnly, JsonContent.Create(new { givenName = "A", familyName = "B" }));
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("insufficient_scope", write.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        var fhirOnly = await _oauth.TokenAsync("admin", "Admin123", "user/Patient.rs");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}", fhirOnly)).StatusCode);

        var none = await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}", null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("webservices.rest.error.unauthorized", (string?)(await JsonAsync(none))["error"]!["code"]);
    }

    [Fact]
    public async Task A_token_in_the_query_string_is_refused_with_a_clear_message()
    {
        var response = await _oauth.Client.GetAsync($"/ws/rest/v1/person/{Alice}?access_token={_aliceToken}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("RFC 6750", (string?)(await JsonAsync(response))["error"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_on_the_next_request()
    {
        var token = await _oauth.TokenAsync("alice", "Alice123", "rest.read");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}", token)).StatusCode);

        await _oauth.ApiAsync(HttpMethod.Delete, "/ws/oauth2/api/authorizations/xyz-emr", ("alice", "Alice123"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}", token)).StatusCode);
    }

    [Fact]
    public async Task Two_concurrent_name_edits_are_both_recorded()
    {
        var responses = await Task.WhenAll(
            SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", _aliceToken, JsonContent.Create(new { givenName = "Alice", familyName = "Concurrent-One" })),
            SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name", _adminToken, JsonContent.Create(new { givenName = "Alice", familyName = "Concurrent-Two" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var names = (await JsonAsync(await SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}/name?v=full", _aliceToken)))["results"]!.AsArray();
        Assert.Contains(names, n => (string?)n!["familyName"] == "Concurrent-One");
        Assert.Contains(names, n => (string?)n!["familyName"] == "Concurrent-Two");
        Assert.Single(names, n => (bool)n!["preferred"]!);
    }

    [Fact]
    public async Task Patients_are_read_searched_paged_and_created()
    {
        var alice = await JsonAsync(await SendAsync(HttpMethod.Get, $"/ws/rest/v1/patient/{Alice}", _adminToken));
        Assert.Equal("100000-1 - Alice Smith", (string?)alice["display"]);

        var byIdentifier = await JsonAsync(await SendAsync(HttpMethod.Get, "/ws/rest/v1/patient?identifier=100000-1", _adminToken));
        Assert.Equal(Alice, (string?)byIdentifier["results"]!.AsArray().Single()!["uuid"]);

        var invalid = await SendAsync(HttpMethod.Post, "/ws/rest/v1/patient", _adminToken, JsonContent.Create(new { person = new { gender = "F", names = new[] { new { givenName = "Zoe" } } }, identifiers = Array.Empty<object>() }));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var malformed = await SendAsync(HttpMethod.Post, "/ws/rest/v1/patient", _adminToken, JsonContent.Create(new { person = new { gender = "F", birthdate = new[] { 1990 }, names = new[] { new { givenName = "Zoe", familyName = "Rest" } } }, identifiers = new[] { "NID-REST-0" } }));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var fieldErrors = (await JsonAsync(malformed))["error"]!["fieldErrors"]!;
        Assert.NotNull(fieldErrors["identifiers[0]"]);
        Assert.NotNull(fieldErrors["person.birthdate"]);

        var created = await SendAsync(HttpMethod.Post, "/ws/rest/v1/patient", _adminToken, JsonContent.Create(new
        {
            person = new { gender = "F", birthdate = "1990-05-06", names = new[] { new { givenName = "Zoe", familyName = "Rest" } } },
            identifiers = new[] { new { identifier = "NID-REST-1", identifierType = "National ID", preferred = true } },
        }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("NID-REST-1 - Zoe Rest", (string?)(await JsonAsync(created))["display"]);
        foreach (var n in new[] { 2, 3 })
        {
            await SendAsync(HttpMethod.Post, "/ws/rest/v1/patient", _adminToken, JsonContent.Create(new
            {
                person = new { gender = "M", names = new[] { new { givenName = $"Rex{n}", familyName = "Rest" } } },
                identifiers = new[] { new { identifier = $"NID-REST-{n}", identifierType = "National ID", preferred = true } },
            }));
        }

        var page = await JsonAsync(await SendAsync(HttpMethod.Get, "/ws/rest/v1/patient?q=Rest&limit=2&totalCount=true&v=ref", _adminToken));
        Assert.Equal(2, page["results"]!.AsArray().Count);
        Assert.Equal(3, (int)page["totalCount"]!);
        var next = (string)page["links"]!.AsArray().Single(l => (string?)l!["rel"] == "next")!["uri"]!;
        Assert.Contains("startIndex=2", next, StringComparison.Ordinal);
        var second = await JsonAsync(await SendAsync(HttpMethod.Get, new Uri(next).PathAndQuery, _adminToken));
        Assert.Single(second["results"]!.AsArray());
        Assert.Equal("prev", (string?)second["links"]![0]!["rel"]);

        var alicePatients = await SendAsync(HttpMethod.Get, "/ws/rest/v1/patient?q=Zoe", _aliceToken);
        Assert.Equal(HttpStatusCode.Forbidden, alicePatients.StatusCode);
    }

    [Fact]
    public async Task Users_and_roles_are_read_by_holders_of_the_privileges()
    {
        var roles = await JsonAsync(await SendAsync(HttpMethod.Get, "/ws/rest/v1/role", _adminToken));
        Assert.Contains(roles["results"]!.AsArray(), r => (string?)r!["display"] == "Client Developer");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/ws/rest/v1/role", _aliceToken)).StatusCode);

        var users = await JsonAsync(await SendAsync(HttpMethod.Get, "/ws/rest/v1/user?q=ali", _adminToken));
        var alice = users["results"]!.AsArray().Single()!;
        Assert.Equal("alice", (string?)alice["username"]);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/ws/rest/v1/user/{alice["uuid"]}", _aliceToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/ws/rest/v1/user", _aliceToken)).StatusCode);
    }

    [Fact]
    public async Task The_module_publishes_an_openapi_document_of_its_endpoints()
    {
        var document = await JsonAsync(await _oauth.Client.GetAsync("/ws/rest/v1/openapi/rest.json"));

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/ws/rest/v1/person/{uuid}/name", paths);
        Assert.Contains("/ws/rest/v1/patient", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/ws/fhir", StringComparison.Ordinal) || p.StartsWith("/ws/oauth2", StringComparison.Ordinal));
    }
}
