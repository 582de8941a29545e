// Firely's model marks most members nullable; these assertions read them as a client would.
#nullable disable warnings

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;
using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Tests.Fhir;

public sealed class FhirPatientTests : IAsyncLifetime
{
    private const string Alice = FhirHarness.AliceId;
    private OAuth2Harness _oauth = null!;
    private string _adminToken = null!;

    public async Task InitializeAsync()
    {
        _oauth = await OAuth2Harness.StartAsync();
        _adminToken = await _oauth.TokenAsync("admin", "Admin123", "user/Patient.cruds");
    }

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task Alice_reads_her_own_patient_resource_with_a_patient_scoped_token()
    {
        var token = await _oauth.TokenAsync("alice", "Alice123", "patient/Patient.rs launch/patient");

        var response = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        var patient = await response.ResourceAsync<Patient>();
        Assert.Equal(Alice, patient.Id);
        Assert.Equal("1", patient.Meta.VersionId);
        Assert.True(patient.Active);
        Assert.Equal(AdministrativeGender.Female, patient.Gender);
        Assert.Equal("1985-04-12", patient.BirthDate);
        var name = Assert.Single(patient.Name);
        Assert.Equal(("Alice Smith", "Smith", "Alice", HumanName.NameUse.Official), (name.Text, name.Family, name.Given.Single(), name.Use!.Value));
        Assert.NotNull(name.ElementId);
        var identifier = Assert.Single(patient.Identifier);
        Assert.Equal(("https://modularemr.org/fhir/identifier/openmrs-id", "100000-1", Identifier.IdentifierUse.Official), (identifier.System, identifier.Value, identifier.Use!.Value));
        Assert.Equal("Boston", patient.Address.Single().City);
        Assert.Equal(false, ((FhirBoolean)patient.Deceased).Value);
    }

    [Fact]
    public async Task A_patient_scoped_token_is_refused_another_patients_record_and_searches_only_its_own()
    {
        var token = await _oauth.TokenAsync("alice", "Alice123", "patient/Patient.rs launch/patient");
        var other = (await (await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?family=Builder&_count=50", _adminToken)).ResourceAsync<Bundle>());
        var someoneElse = (await (await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?_count=1&gender=male", _adminToken)).ResourceAsync<Bundle>()).Entry.Single().Resource.Id;
        Assert.Empty(other.Entry);

        var refused = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{someoneElse}", token);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(OperationOutcome.IssueType.Forbidden, (await refused.ResourceAsync<OperationOutcome>()).Issue.Single().Code);

        var search = await (await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?_count=50", token)).ResourceAsync<Bundle>();
        Assert.Equal(1, search.Total);
        Assert.Equal(Alice, search.Entry.Single().Resource.Id);
    }

    [Fact]
    public async Task Tokens_without_a_patient_scope_or_privilege_are_refused_and_missing_or_bad_tokens_are_401()
    {
        var noScope = await _oauth.TokenAsync("alice", "Alice123", "probe.read");
        var response = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", noScope);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("no scope", (await response.ResourceAsync<OperationOutcome>()).Issue.Single().Diagnostics, StringComparison.Ordinal);

        // RFC 6750 §3.1: the 403 names the error and the scopes that would have done.
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer realm=\"fhir\", error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"patient/Patient.rs patient/Patient.read user/Patient.rs", challenge, StringComparison.Ordinal);

        var noPrivilege = await _oauth.TokenAsync("alice", "Alice123", "user/Patient.rs");
        var privilege = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", noPrivilege);
        Assert.Equal(HttpStatusCode.Forbidden, privilege.StatusCode);
        Assert.Contains("View Patients", (await privilege.ResourceAsync<OperationOutcome>()).Issue.Single().Diagnostics, StringComparison.Ordinal);

        var missing = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer realm=\"fhir\"", missing.Headers.WwwAuthenticate.ToString());
        Assert.Equal(OperationOutcome.IssueType.Login, (await missing.ResourceAsync<OperationOutcome>()).Issue.Single().Code);

        var tampered = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken[..^8] + "AAAAAAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Contains("error=\"invalid_token\"", tampered.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "[]")]
    [InlineData("PUT", "[]")]
    [InlineData("POST", "[{\"resourceType\":\"Patient\"}]")]
    [InlineData("PUT", "{\"resourceType\":\"Patient\",\"name\":[[]]}")]
    [InlineData("POST", "{\"resourceType\":\"Patient\",\"birthDate\":{}}")]
    public async Task A_body_that_is_not_one_resource_object_is_a_400_operation_outcome_and_changes_nothing(string method, string body)
    {
        var before = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken);
        var path = method == "PUT" ? $"/ws/fhir/Patient/{Alice}" : "/ws/fhir/Patient";

        var response = await _oauth.SendAsync(new HttpMethod(method), path, _adminToken, adjust: request =>
            request.Content = new StringContent(body, Encoding.UTF8, "application/fhir+json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains((await response.ResourceAsync<OperationOutcome>()).Issue.First().Code, new OperationOutcome.IssueType?[] { OperationOutcome.IssueType.Invalid, OperationOutcome.IssueType.Structure });
        var after = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken);
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_on_the_next_request()
    {
        var token = await _oauth.TokenAsync("admin", "Admin123", "user/Patient.rs");
        Assert.Equal(HttpStatusCode.OK, (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token)).StatusCode);

        await _oauth.PostFormAsync("/ws/oauth2/revoke", (OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret), ("token", token));

        Assert.Equal(HttpStatusCode.Unauthorized, (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token)).StatusCode);
    }

    [Fact]
    public async Task A_system_token_reads_any_patient()
    {
        var token = await _oauth.SystemTokenAsync("system/Patient.rs");

        var response = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.ResourceAsync<Patient>();
    }

    [Theory]
    [InlineData("family=Smith", 1)]
    [InlineData("given=ali", 1)]
    [InlineData("name=smi", 1)]
    [InlineData("identifier=100000-1", 1)]
    [InlineData("identifier=https://modularemr.org/fhir/identifier/openmrs-id|100000-1", 1)]
    [InlineData("identifier=https://modularemr.org/fhir/identifier/national-id|100000-1", 0)]
    [InlineData("_id=" + Alice, 1)]
    [InlineData("birthdate=1985-04-12&family=Smith", 1)]
    [InlineData("birthdate=1985&family=Smith", 1)]
    [InlineData("birthdate=lt1985-04-12&family=Smith", 0)]
    [InlineData("birthdate=ge1985-04-12&birthdate=le1985-04-12&family=Smith", 1)]
    [InlineData("birthdate=gt1985-04-12&family=Smith", 0)]
    [InlineData("gender=female&family=Smith", 1)]
    [InlineData("gender=male&family=Smith", 0)]
    public async Task Search_parameters_select_patients(string query, int expected)
    {
        var bundle = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient?{query}", _adminToken)).ResourceAsync<Bundle>();

        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        Assert.Equal(expected, bundle.Total);
        Assert.Equal(expected, bundle.Entry.Count);
    }

    [Fact]
    public async Task Search_pages_with_next_and_previous_links_and_a_total()
    {
        var first = await (await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?_count=5", _adminToken)).ResourceAsync<Bundle>();
        Assert.Equal(5, first.Entry.Count);
        Assert.True(first.Total > 30);
        Assert.Null(first.PreviousLink);

        var second = await (await _oauth.SendAsync(HttpMethod.Get, first.NextLink.PathAndQuery, _adminToken)).ResourceAsync<Bundle>();
        Assert.Equal(5, second.Entry.Count);
        Assert.Empty(first.Entry.Select(e => e.Resource.Id).Intersect(second.Entry.Select(e => e.Resource.Id)));
        var back = await (await _oauth.SendAsync(HttpMethod.Get, second.PreviousLink.PathAndQuery, _adminToken)).ResourceAsync<Bundle>();
        Assert.Equal(first.Entry.Select(e => e.Resource.Id), back.Entry.Select(e => e.Resource.Id));
    }

    [Fact]
    public async Task Unknown_search_parameters_are_an_error_unless_lenient_handling_is_asked_for()
    {
        var strict = await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?colour=blue", _adminToken);
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.Contains("colour", (await strict.ResourceAsync<OperationOutcome>()).Issue.Single().Diagnostics, StringComparison.Ordinal);

        var lenient = await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?colour=blue&family=Smith", _adminToken, adjust: r => r.Headers.Add("Prefer", "handling=lenient"));
        var bundle = await lenient.ResourceAsync<Bundle>();
        Assert.Equal(1, bundle.Total);
        Assert.Contains(bundle.Entry, e => e.Search.Mode == Bundle.SearchEntryMode.Outcome && e.Resource is OperationOutcome);

        var bad = await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?birthdate=yesterday", _adminToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        await bad.ResourceAsync<OperationOutcome>();

        var tooShort = await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?birthdate=a", _adminToken);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        await tooShort.ResourceAsync<OperationOutcome>();
    }

    [Fact]
    public async Task Sending_back_a_Patient_as_read_keeps_the_name_parts_FHIR_has_no_place_for()
    {
        // A Dutch name with a family prefix and a second family name, and a degree without a suffix: FHIR
        // shows them joined in family and listed in suffix, and must not store them that way.
        var rest = await _oauth.TokenAsync("admin", "Admin123", "rest.read rest.write");
        using var restRequest = new HttpRequestMessage(HttpMethod.Post, $"/ws/rest/v1/person/{Alice}/name")
        {
            Content = JsonContent.Create(new { prefix = "Dr.", givenName = "Alida", familyNamePrefix = "van", familyName = "Dijk", familyName2 = "Jansen", degree = "PhD" }),
        };
        restRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", rest);
        var added = await _oauth.Client.SendAsync(restRequest);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var nameUuid = (string)JsonNode.Parse(await added.Content.ReadAsStringAsync())!["uuid"]!;

        var read = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken)).ResourceAsync<Patient>();
        var dutch = read.Name.Single(n => n.ElementId == nameUuid);
        Assert.Equal("van Dijk Jansen", dutch.Family);
        Assert.Equal(["PhD"], dutch.Suffix);

        read.Gender = AdministrativeGender.Other;
        var unchanged = await _oauth.SendAsync(HttpMethod.Put, $"/ws/fhir/Patient/{Alice}", _adminToken, read);
        Assert.Equal(HttpStatusCode.OK, unchanged.StatusCode);
        var kept = await RestNameAsync(rest, nameUuid);
        Assert.Equal(("Dr.", "Alida", "van", "Dijk", "Jansen", null, "PhD"), kept);

        // A part the client did change is taken as sent.
        read = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken)).ResourceAsync<Patient>();
        read.Name.Single(n => n.ElementId == nameUuid).Family = "Bakker";
        Assert.Equal(HttpStatusCode.OK, (await _oauth.SendAsync(HttpMethod.Put, $"/ws/fhir/Patient/{Alice}", _adminToken, read)).StatusCode);
        Assert.Equal(("Dr.", "Alida", null, "Bakker", null, null, "PhD"), await RestNameAsync(rest, nameUuid));
    }

    private async Task<(string?, string?, string?, string?, string?, string?, string?)> RestNameAsync(string token, string nameUuid)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/ws/rest/v1/person/{Alice}/name/{nameUuid}?v=full");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _oauth.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var name = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        string? Part(string field) => (string?)name[field];
        return (Part("prefix"), Part("givenName"), Part("familyNamePrefix"), Part("familyName"), Part("familyName2"), Part("familyNameSuffix"), Part("degree"));
    }

    [Fact]
    public async Task Create_then_update_with_versions_and_the_change_is_stored()
    {
        var patient = new Patient
        {
            Gender = AdministrativeGender.Male,
            BirthDate = "1970-02-03",
            Name = [new HumanName { Family = "Quartz", Given = ["Zed"], Use = HumanName.NameUse.Official }],
            Identifier = [new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-42")],
        };

        var created = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _adminToken, patient);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var stored = await created.ResourceAsync<Patient>();
        Assert.StartsWith($"http://localhost/ws/fhir/Patient/{stored.Id}/_history/1", created.Headers.Location!.ToString(), StringComparison.Ordinal);

        stored.Name[0].Family = "Quartz-Smith";
        var stale = await _oauth.SendAsync(HttpMethod.Put, $"/ws/fhir/Patient/{stored.Id}", _adminToken, stored, adjust: r => r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\"", true)));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        await stale.ResourceAsync<OperationOutcome>();

        var updated = await _oauth.SendAsync(HttpMethod.Put, $"/ws/fhir/Patient/{stored.Id}", _adminToken, stored, adjust: r => r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", true)));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("W/\"2\"", updated.Headers.ETag!.ToString());
        var read = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{stored.Id}", _adminToken)).ResourceAsync<Patient>();
        Assert.Equal("Quartz-Smith", read.Name.Single().Family);
        Assert.Equal(stored.Name[0].ElementId, read.Name.Single().ElementId);
        Assert.Equal("2", read.Meta.VersionId);

        var mismatch = await _oauth.SendAsync(HttpMethod.Put, $"/ws/fhir/Patient/{Alice}", _adminToken, stored);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
    }

    [Fact]
    public async Task Invalid_bodies_get_400_415_and_422_and_nothing_is_stored()
    {
        var before = (await (await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?_count=0", _adminToken)).ResourceAsync<Bundle>()).Total;

        var noFamily = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _adminToken, new Patient { Name = [new HumanName { Given = ["Nofamily"] }], Identifier = [new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-43")] });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noFamily.StatusCode);
        Assert.Contains("familyName", string.Join(" ", (await noFamily.ResourceAsync<OperationOutcome>()).Issue.Select(i => i.Diagnostics)), StringComparison.Ordinal);

        var malformed = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _adminToken, adjust: r => r.Content = new StringContent("{\"resourceType\": \"Patient\", \"gender\": 12", Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        await malformed.ResourceAsync<OperationOutcome>();

        var observation = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _adminToken, new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "1-8") });
        Assert.Equal(HttpStatusCode.BadRequest, observation.StatusCode);

        var text = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _adminToken, adjust: r => r.Content = new StringContent("Zed Quartz", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        await text.ResourceAsync<OperationOutcome>();

        Assert.Equal(before, (await (await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?_count=0", _adminToken)).ResourceAsync<Bundle>()).Total);
    }

    [Fact]
    public async Task A_birthdate_in_the_future_is_refused_on_create_and_on_update_and_nothing_is_stored()
    {
        var tomorrow = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var created = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _adminToken, new Patient
        {
            BirthDate = tomorrow,
            Name = [new HumanName { Family = "Unborn", Given = ["Yet"] }],
            Identifier = [new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-44")],
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.Contains("birthdate cannot be in the future", string.Join(" ", (await created.ResourceAsync<OperationOutcome>()).Issue.Select(i => i.Diagnostics)), StringComparison.Ordinal);

        var alice = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken)).ResourceAsync<Patient>();
        var born = alice.BirthDate;
        alice.BirthDate = tomorrow;
        var updated = await _oauth.SendAsync(HttpMethod.Put, $"/ws/fhir/Patient/{Alice}", _adminToken, alice);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, updated.StatusCode);
        Assert.Contains("birthdate cannot be in the future", string.Join(" ", (await updated.ResourceAsync<OperationOutcome>()).Issue.Select(i => i.Diagnostics)), StringComparison.Ordinal);

        var after = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken)).ResourceAsync<Patient>();
        Assert.Equal(born, after.BirthDate);
        Assert.Equal(alice.Meta.VersionId, after.Meta.VersionId);
    }

    [Fact]
    public async Task An_estimated_birth_year_survives_a_read_modify_write_even_in_the_current_year()
    {
        var thisYear = DateTime.UtcNow.Year.ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
        var created = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _adminToken, new Patient
        {
            BirthDate = thisYear,
            Name = [new HumanName { Family = "Newborn", Given = ["Baby"] }],
            Identifier = [new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-46")],
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var stored = await created.ResourceAsync<Patient>();
        Assert.Equal(thisYear, stored.BirthDate);
        var rest = await _oauth.TokenAsync("admin", "Admin123", "rest.read");
        var before = await RestBirthdateAsync(rest, stored.Id);
        Assert.True(DateOnly.Parse(before.Birthdate![..10], System.Globalization.CultureInfo.InvariantCulture) <= DateOnly.FromDateTime(DateTime.UtcNow));
        Assert.True(before.Estimated);

        stored.Gender = AdministrativeGender.Female;
        var updated = await _oauth.SendAsync(HttpMethod.Put, $"/ws/fhir/Patient/{stored.Id}", _adminToken, stored);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(before, await RestBirthdateAsync(rest, stored.Id));

        // In February the middle of this year is still ahead: the estimate is today, not refused.
        var now = _oauth.Clock.GetUtcNow();
        var february = new DateTimeOffset(now.Year + 1, 2, 1, 12, 0, 0, TimeSpan.Zero);
        _oauth.Clock.Advance(february - now);
        var admin = await _oauth.TokenAsync("admin", "Admin123", "user/Patient.cruds rest.read");
        var early = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", admin, new Patient
        {
            BirthDate = february.Year.ToString("0000", System.Globalization.CultureInfo.InvariantCulture),
            Name = [new HumanName { Family = "Earlyborn", Given = ["Baby"] }],
            Identifier = [new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-47")],
        });
        Assert.Equal(HttpStatusCode.Created, early.StatusCode);
        Assert.Equal(($"{february:yyyy-MM-dd}T00:00:00.000+0000", true), await RestBirthdateAsync(admin, (await early.ResourceAsync<Patient>()).Id));
    }

    [Fact]
    public async Task One_stored_name_sent_twice_is_refused_and_nothing_is_stored()
    {
        var read = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken)).ResourceAsync<Patient>();
        var copy = (HumanName)read.Name[0].DeepCopy();
        copy.Family = "Twice";
        read.Name.Add(copy);

        var updated = await _oauth.SendAsync(HttpMethod.Put, $"/ws/fhir/Patient/{Alice}", _adminToken, read);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, updated.StatusCode);
        Assert.Contains("appears more than once", string.Join(" ", (await updated.ResourceAsync<OperationOutcome>()).Issue.Select(i => i.Diagnostics)), StringComparison.Ordinal);
        var after = await (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken)).ResourceAsync<Patient>();
        Assert.Equal(read.Meta.VersionId, after.Meta.VersionId);
    }

    private async Task<(string? Birthdate, bool Estimated)> RestBirthdateAsync(string token, string patient)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/ws/rest/v1/person/{patient}?v=full");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _oauth.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var person = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return ((string?)person["birthdate"], (bool)person["birthdateEstimated"]!);
    }

    [Fact]
    public async Task The_official_name_is_the_preferred_one_on_create_as_on_update()
    {
        var created = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _adminToken, new Patient
        {
            Name =
            [
                new HumanName { Family = "Nick", Given = ["Zee"], Use = HumanName.NameUse.Usual },
                new HumanName { Family = "Real", Given = ["Zed"], Use = HumanName.NameUse.Official },
            ],
            Identifier = [new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-45")],
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var stored = await created.ResourceAsync<Patient>();
        Assert.Equal("Real", stored.Name.Single(n => n.Use == HumanName.NameUse.Official).Family);

        var updated = await _oauth.SendAsync(HttpMethod.Put, $"/ws/fhir/Patient/{stored.Id}", _adminToken, stored);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Real", (await updated.ResourceAsync<Patient>()).Name.Single(n => n.Use == HumanName.NameUse.Official).Family);
    }

    [Fact]
    public async Task Conditional_read_answers_304_when_the_version_is_unchanged()
    {
        var response = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken, adjust: r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"1\"", true)));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken, adjust: r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0\"", true)))).StatusCode);
    }

    [Fact]
    public async Task Delete_is_405_unknown_is_404_and_voided_is_410()
    {
        var delete = await _oauth.SendAsync(HttpMethod.Delete, $"/ws/fhir/Patient/{Alice}", _adminToken);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Equal(OperationOutcome.IssueType.NotSupported, (await delete.ResourceAsync<OperationOutcome>()).Issue.Single().Code);

        var unknown = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Guid.NewGuid()}", _adminToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await unknown.ResourceAsync<OperationOutcome>();

        var someone = (await (await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient?_count=1&gender=male", _adminToken)).ResourceAsync<Bundle>()).Entry.Single().Resource.Id;
        await Database.QueryAsync(_oauth.Host.DatabaseFile, "UPDATE patient SET voided = TRUE WHERE person_id = (SELECT id FROM person WHERE uuid = $uuid)", ("$uuid", (object)someone));
        var voided = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{someone}", _adminToken);
        Assert.Equal(HttpStatusCode.Gone, voided.StatusCode);
        Assert.Equal(OperationOutcome.IssueType.Deleted, (await voided.ResourceAsync<OperationOutcome>()).Issue.Single().Code);

        var observation = await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Observation", _adminToken);
        Assert.Equal(HttpStatusCode.NotFound, observation.StatusCode);
        await observation.ResourceAsync<OperationOutcome>();
    }

    [Theory]
    [InlineData(null, "_format=xml", "application/fhir+xml")]
    [InlineData("application/fhir+xml", null, "application/fhir+xml")]
    [InlineData("application/xml", null, "application/fhir+xml")]
    [InlineData("application/json", null, "application/fhir+json")]
    [InlineData(null, "_format=json&_pretty=true", "application/fhir+json")]
    public async Task Formats_follow_accept_or_format(string? accept, string? query, string expected)
    {
        var response = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}" + (query is null ? string.Empty : "?" + query), _adminToken, accept: accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Alice, (await response.ResourceAsync<Patient>()).Id);
        if (query?.Contains("_pretty", StringComparison.Ordinal) == true)
        {
            Assert.Contains("\n  \"resourceType\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unacceptable_format_is_406()
    {
        var response = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Alice}", _adminToken, accept: "text/plain");

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        await response.ResourceAsync<OperationOutcome>();
    }

    [Fact]
    public async Task Metadata_tells_what_is_implemented_with_the_smart_endpoints_and_needs_no_token()
    {
        var response = await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/metadata", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var statement = await response.ResourceAsync<CapabilityStatement>();
        var resource = statement.Rest.Single().Resource.Single();
        Assert.Equal("Patient", resource.Type);
        Assert.Equal(
            [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType, CapabilityStatement.TypeRestfulInteraction.Create, CapabilityStatement.TypeRestfulInteraction.Update],
            resource.Interaction.Select(i => i.Code!.Value));
        var oauth = statement.Rest.Single().Security.GetExtension("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        Assert.Equal("http://localhost/ws/oauth2/authorize", oauth.GetExtensionValue<FhirUri>("authorize").Value);
        Assert.Equal("http://localhost/ws/oauth2/token", oauth.GetExtensionValue<FhirUri>("token").Value);
        Assert.Equal("http://localhost/ws/oauth2/register", oauth.GetExtensionValue<FhirUri>("register").Value);

        var smart = System.Text.Json.Nodes.JsonNode.Parse(await (await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/.well-known/smart-configuration", null)).Content.ReadAsStringAsync())!;
        Assert.Equal("http://localhost/ws/oauth2/authorize", (string?)smart["authorization_endpoint"]);
        Assert.Equal("http://localhost/ws/oauth2/token", (string?)smart["token_endpoint"]);
        Assert.Equal(["S256"], smart["code_challenge_methods_supported"]!.AsArray().Select(m => (string)m!));
        Assert.Contains("permission-v2", smart["capabilities"]!.AsArray().Select(c => (string)c!));
    }
}
