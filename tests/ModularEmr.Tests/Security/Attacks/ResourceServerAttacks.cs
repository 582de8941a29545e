using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ModularEmr.Tests.Security.Attacks;

/// <summary>
/// Attacks on the FHIR and REST resource servers with real tokens: escaping a patient/ scope through read
/// and search, writing beyond the scope or the user's privileges, editing other people's records, purging
/// and role escalation, and path or method tricks that a router or a proxy might normalise differently.
/// Raw paths go over a raw socket, so Kestrel sees them exactly as written.
/// </summary>
[Collection(AttackHostGroup.Name)]
public sealed class ResourceServerAttacks(AttackHost host)
{
    [Fact]
    [Trait("Source", "SMART App Launch v2 §3.0.2 (patient/ scopes: the patient in context only); OWASP Top 10 A01")]
    public async Task Patient_scope_cannot_read_another_patient()
    {
        var (other, _) = await host.OtherPatientAsync();
        var token = await host.AliceTokenAsync("patient/Patient.rs");

        var own = await host.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{AttackHost.AlicePatient}", token);
        var theirs = await host.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{other}", token);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, theirs.StatusCode);
        Assert.DoesNotContain("\"name\"", await theirs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Source", "SMART App Launch v2 §3.0.2; FHIR R4 §3.1.1 (search); OWASP Top 10 A01 (patient-scope escape through search)")]
    [InlineData("_id={other}")]
    [InlineData("_id={alice},{other}")]
    [InlineData("_id={other}&_id={alice}")]
    [InlineData("identifier={identifier}")]
    [InlineData("identifier=https%3A%2F%2Fmodularemr.org%2Ffhir%2Fidentifier%2Fopenmrs-id%7C{identifier}")]
    [InlineData("")]
    [InlineData("gender=male&_count=100")]
    public async Task Patient_scope_search_never_returns_another_patient(string query)
    {
        var (other, identifier) = await host.OtherPatientAsync();
        var token = await host.AliceTokenAsync("patient/Patient.rs");
        query = query.Replace("{other}", other, StringComparison.Ordinal).Replace("{alice}", AttackHost.AlicePatient, StringComparison.Ordinal).Replace("{identifier}", Uri.EscapeDataString(identifier), StringComparison.Ordinal);

        var response = await host.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient?{query}", token);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = JsonNode.Parse(body)!;
        var entries = bundle["entry"]?.AsArray() ?? [];
        Assert.All(entries, entry => Assert.Equal(AttackHost.AlicePatient, (string?)entry!["resource"]!["id"]));
        Assert.DoesNotContain(other, entries.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.InRange((int)bundle["total"]!, 0, 1);
    }

    [Theory]
    [Trait("Source", "SMART App Launch v2 §3.0.2 (scopes ∩ privileges); DESIGN §7; OWASP Top 10 A01")]
    [InlineData("patient/Patient.rs", "PUT", "alice")]
    [InlineData("patient/Patient.rs", "POST", null)]
    [InlineData("patient/Patient.read", "PUT", "alice")]
    [InlineData("user/Patient.cruds", "PUT", "other")]
    [InlineData("user/Patient.cruds", "POST", null)]
    [InlineData("system/Patient.rs", "PUT", "other")]
    public async Task Fhir_write_beyond_the_scope_or_the_users_privileges_is_refused(string scope, string method, string? target)
    {
        var (other, _) = await host.OtherPatientAsync();
        var token = scope.StartsWith("system/", StringComparison.Ordinal) ? await host.SystemTokenAsync(scope) : await host.AliceTokenAsync(scope);
        var id = target == "alice" ? AttackHost.AlicePatient : target == "other" ? other : null;
        var patient = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["name"] = new JsonArray(new JsonObject { ["family"] = "Hacked", ["given"] = new JsonArray("Eve") }),
            ["gender"] = "female",
            ["birthDate"] = "1985-04-12",
        };
        if (id is not null)
        {
            patient["id"] = id;
        }

        var before = await host.DatabaseChecksumAsync();
        var response = await host.SendAsync(new HttpMethod(method), id is null ? "/ws/fhir/Patient" : $"/ws/fhir/Patient/{id}", token,
            new StringContent(patient.ToJsonString(), Encoding.UTF8, "application/fhir+json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await host.DatabaseChecksumAsync());
    }

    [Theory]
    [Trait("Source", "OpenMRS privileges (Edit People); DESIGN §7 (own record only without the privilege); OWASP Top 10 A01")]
    [InlineData("POST", "/name/{name}", """{"givenName":"Hacked"}""")]
    [InlineData("POST", "/name", """{"givenName":"Eve","familyName":"Hacked"}""")]
    [InlineData("DELETE", "/name/{name}?reason=hacked", null)]
    public async Task Rest_edit_of_another_persons_name_is_refused(string method, string suffix, string? body)
    {
        var name = await NameOfAsync(AttackHost.AdminPerson);
        var token = await host.AliceTokenAsync("rest.read rest.write");
        var before = await host.DatabaseChecksumAsync();

        var response = await host.SendAsync(new HttpMethod(method), $"/ws/rest/v1/person/{AttackHost.AdminPerson}{suffix.Replace("{name}", name, StringComparison.Ordinal)}", token,
            body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await host.DatabaseChecksumAsync());
    }

    [Fact]
    [Trait("Source", "OpenMRS webservices.rest (?purge=true is not offered for clinical data); DESIGN §9 (voided, never deleted)")]
    public async Task Purge_of_a_name_is_refused_even_for_an_administrator()
    {
        var (other, _) = await host.OtherPatientAsync();
        var admin = await host.AdminTokenAsync("rest.read rest.write");
        var added = await host.SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{other}/name", admin,
            new StringContent("""{"givenName":"Purge","familyName":"Target","preferred":false}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var nameUuid = (string)JsonNode.Parse(await added.Content.ReadAsStringAsync())!["uuid"]!;

        var purged = await host.SendAsync(HttpMethod.Delete, $"/ws/rest/v1/person/{other}/name/{nameUuid}?purge=true", admin);
        var purgedFalse = await host.SendAsync(HttpMethod.Delete, $"/ws/rest/v1/person/{other}/name/{nameUuid}?purge=1&reason=x", admin);

        Assert.Equal(HttpStatusCode.BadRequest, purged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, purgedFalse.StatusCode);
        Assert.Equal("0", await host.ScalarAsync("SELECT voided FROM person_name WHERE lower(uuid) = $u", ("$u", nameUuid.ToLowerInvariant())));
    }

    [Theory]
    [Trait("Source", "OWASP Top 10 A01 (privilege escalation); OWASP Mass Assignment Cheat Sheet")]
    [InlineData("POST", "/ws/rest/v1/user/{self}", """{"roles":[{"name":"System Developer"}],"privileges":["Edit People"]}""")]
    [InlineData("PUT", "/ws/rest/v1/user/{self}", """{"roles":["System Developer"]}""")]
    [InlineData("POST", "/ws/rest/v1/user", """{"username":"eve","password":"Eve12345678","roles":["System Developer"]}""")]
    [InlineData("POST", "/ws/rest/v1/role", """{"name":"Eve","privileges":["Edit People","View Patients"]}""")]
    [InlineData("POST", "/ws/rest/v1/role/{role}", """{"privileges":["Edit People"]}""")]
    [InlineData("POST", "/ws/rest/v1/person/{alice}", """{"roles":["System Developer"],"user":{"roles":["System Developer"]}}""")]
    public async Task Rest_role_escalation_is_refused(string method, string path, string body)
    {
        var token = await host.AliceTokenAsync("rest.read rest.write");
        var self = await host.ScalarAsync("SELECT uuid FROM users WHERE username = 'alice'");
        var role = await host.ScalarAsync("SELECT uuid FROM role WHERE name = 'Authenticated'");
        path = path.Replace("{self}", self, StringComparison.Ordinal).Replace("{role}", role, StringComparison.Ordinal).Replace("{alice}", AttackHost.AlicePatient, StringComparison.Ordinal);
        var before = await host.DatabaseChecksumAsync();

        var response = await host.SendAsync(new HttpMethod(method), path, token, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True((int)response.StatusCode is 403 or 404 or 405, $"{method} {path}: {(int)response.StatusCode}");
        Assert.Equal(before, await host.DatabaseChecksumAsync());
        Assert.Equal("0", await host.ScalarAsync(
            "SELECT count(*) FROM user_role ur JOIN users u ON u.id = ur.users_id JOIN role r ON r.id = ur.roles_id WHERE u.username = 'alice' AND r.name = 'System Developer'"));
    }

    [Theory]
    [Trait("Source", "OWASP Top 10 A01 (path confusion); RFC 3986 §5.2.4 (dot segments) and §3.3 (path parameters); CVE-2021-41773-style encoded paths")]
    [InlineData("/ws/REST/v1/person/{bob}")]
    [InlineData("/ws/rest/v1/./person/{bob}")]
    [InlineData("/ws/rest/v1/x/../person/{bob}")]
    [InlineData("/ws/rest/v1/person;x=1/{bob}")]
    [InlineData("/ws/rest/v1/%70erson/{bob}")]
    [InlineData("/ws/rest/v1/person/{bob};x=1")]
    [InlineData("/ws/rest/v1/person%2F{bob}")]
    [InlineData("//ws/rest/v1/person/{bob}")]
    [InlineData("/ws/rest/v1/person/{bob}%00")]
    [InlineData("/ws/FHIR/Patient/{other}")]
    [InlineData("/ws/fhir/./Patient/{other}")]
    [InlineData("/ws/fhir/%50atient/{other}")]
    public async Task Path_normalisation_tricks_never_bypass_the_token_or_the_scope(string rawPath)
    {
        var (other, _) = await host.OtherPatientAsync();
        var token = await host.AliceTokenAsync("patient/Patient.rs rest.read");
        var path = rawPath.Replace("{bob}", AttackHost.BobPerson, StringComparison.Ordinal).Replace("{other}", other, StringComparison.Ordinal);

        var anonymous = await host.RawAsync("GET", path);
        var alice = await host.RawAsync("GET", path, [$"Authorization: Bearer {token}"]);

        Assert.True(anonymous.Status is 400 or 401 or 404, $"{path} without a token: {anonymous.Status}");
        Assert.True(alice.Status is 400 or 403 or 404, $"{path} with Alice's token: {alice.Status}");
        Assert.DoesNotContain("Builder", alice.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"name\"", alice.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("display", alice.Body, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Source", "OWASP WSTG-CONF-06 (HTTP method tampering: X-HTTP-Method-Override)")]
    [InlineData("POST", "X-HTTP-Method-Override")]
    [InlineData("GET", "X-HTTP-Method-Override")]
    [InlineData("POST", "X-HTTP-Method")]
    [InlineData("POST", "X-Method-Override")]
    public async Task Method_override_header_never_turns_a_request_into_a_delete(string method, string header)
    {
        var (other, _) = await host.OtherPatientAsync();
        var admin = await host.AdminTokenAsync("rest.read rest.write user/Patient.cruds");
        var added = await host.SendAsync(HttpMethod.Post, $"/ws/rest/v1/person/{other}/name", admin,
            new StringContent("""{"givenName":"Override","familyName":"Target","preferred":false}""", Encoding.UTF8, "application/json"));
        var nameUuid = (string)JsonNode.Parse(await added.Content.ReadAsStringAsync())!["uuid"]!;

        var rest = await host.RawAsync(method, $"/ws/rest/v1/person/{other}/name/{nameUuid}",
            [$"Authorization: Bearer {admin}", $"{header}: DELETE", "Content-Type: application/json"], method == "POST" ? "{}" : null);
        var fhir = await host.RawAsync(method, $"/ws/fhir/Patient/{other}",
            [$"Authorization: Bearer {admin}", $"{header}: DELETE", "Content-Type: application/fhir+json"], method == "POST" ? "{\"resourceType\":\"Patient\"}" : null);

        Assert.True(rest.Status is 200 or 405, $"REST {method} with {header}: {rest.Status}");
        Assert.True(fhir.Status is 200 or 404 or 405, $"FHIR {method} with {header}: {fhir.Status}");
        Assert.Equal("0", await host.ScalarAsync("SELECT voided FROM person_name WHERE lower(uuid) = $u", ("$u", nameUuid.ToLowerInvariant())));
        Assert.Equal("0", await host.ScalarAsync("SELECT pa.voided FROM patient pa JOIN person p ON p.id = pa.person_id WHERE lower(p.uuid) = $u", ("$u", other)));
    }

    [Theory]
    [Trait("Source", "RFC 6750 §3.1 (insufficient_scope, with the scope that would do); SMART App Launch v2 (scopes)")]
    [InlineData("/ws/fhir/Patient/" + AttackHost.AlicePatient, "rest.read")]
    [InlineData("/ws/fhir/Patient?_id=" + AttackHost.AlicePatient, "rest.read")]
    [InlineData("/ws/rest/v1/person/" + AttackHost.AlicePatient, "patient/Patient.rs")]
    public async Task Missing_scope_is_a_403_insufficient_scope_challenge_naming_the_scope(string path, string scope)
    {
        var token = await host.AliceTokenAsync(scope);

        var response = await host.SendAsync(HttpMethod.Get, path, token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer ", challenge, StringComparison.Ordinal);
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Matches("scope=\"[^\"]+\"", challenge);
    }

    [Theory]
    [Trait("Source", "FHIR R4 RESTful API, http.html (a body that is not a resource: 400 with an OperationOutcome); OWASP Error Handling Cheat Sheet")]
    [InlineData("POST", "[]")]
    [InlineData("PUT", "[]")]
    [InlineData("POST", "[{\"resourceType\":\"Patient\"}]")]
    public async Task Fhir_json_array_body_is_a_400_operation_outcome(string method, string body)
    {
        var token = await host.AdminTokenAsync("user/Patient.cruds");
        var before = await host.DatabaseChecksumAsync();

        var response = await host.SendAsync(new HttpMethod(method), method == "PUT" ? $"/ws/fhir/Patient/{AttackHost.AlicePatient}" : "/ws/fhir/Patient", token,
            new StringContent(body, Encoding.UTF8, "application/fhir+json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"resourceType\":\"OperationOutcome\"", text, StringComparison.Ordinal);
        Assert.Equal(before, await host.DatabaseChecksumAsync());
    }

    private async Task<string> NameOfAsync(string personUuid) =>
        (await host.ScalarAsync(
            "SELECT n.uuid FROM person_name n JOIN person p ON p.id = n.person_id WHERE lower(p.uuid) = $p AND n.voided = 0 ORDER BY n.id LIMIT 1",
            ("$p", personUuid)))!.ToLowerInvariant();
}
