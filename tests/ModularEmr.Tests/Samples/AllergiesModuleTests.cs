using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Samples;

/// <summary>The sample third-party module (samples/Allergies), loaded next to the three shipped modules.</summary>
public sealed class AllergiesModuleTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() =>
        _oauth = await OAuth2Harness.StartWithAsync(null, modules => modules.Add("allergies", Repository.ModuleFolder("samples/Allergies")));

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, $"/ws/allergies/patient/{FhirHarness.AliceId}") { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _oauth.Client.SendAsync(request);
    }

    [Fact]
    public async Task Its_install_creates_its_table_privileges_role_and_scopes()
    {
        Assert.True(await Database.TableExistsAsync(_oauth.Host.DatabaseFile, "allergy"));
        Assert.Equal(["Edit Allergies", "View Allergies"], await Database.QueryAsync(_oauth.Host.DatabaseFile,
            "SELECT p.name FROM role r JOIN role_privilege rp ON rp.roles_id = r.id JOIN privilege p ON p.id = rp.privileges_id WHERE r.name = 'Allergy Nurse' ORDER BY p.name"));
        Assert.Equal(["allergies.read", "allergies.write", "patient/AllergyIntolerance.rs", "system/AllergyIntolerance.rs", "user/AllergyIntolerance.rs"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT name FROM oauth_scope WHERE module_id = 'allergies' ORDER BY name"));
    }

    [Fact]
    public async Task A_token_with_its_scopes_records_and_lists_allergies()
    {
        var token = await _oauth.TokenAsync("admin", "Admin123", "allergies.read allergies.write");

        var recorded = await SendAsync(HttpMethod.Post, token, new { substance = "Penicillin", reaction = "Hives", severity = "Severe" });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);

        var list = JsonNode.Parse(await (await SendAsync(HttpMethod.Get, token)).Content.ReadAsStringAsync())!.AsArray();
        var allergy = Assert.Single(list)!;
        Assert.Equal("Penicillin", (string?)allergy["substance"]);
        Assert.Equal("Severe", (string?)allergy["severity"]);
    }

    [Fact]
    public async Task The_sdk_filter_enforces_its_scopes_and_privileges()
    {
        var readOnly = await _oauth.TokenAsync("admin", "Admin123", "allergies.read");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, readOnly, new { substance = "Latex", severity = "Mild" })).StatusCode);

        var alice = await _oauth.TokenAsync("alice", "Alice123", "allergies.read");
        var refused = await SendAsync(HttpMethod.Get, alice);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("View Allergies", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var anonymous = await _oauth.Client.GetAsync($"/ws/allergies/patient/{FhirHarness.AliceId}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer realm=\"allergies\"", anonymous.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Bad_input_is_a_validation_problem_and_an_unknown_patient_is_404()
    {
        var token = await _oauth.TokenAsync("admin", "Admin123", "allergies.read allergies.write");

        var invalid = await SendAsync(HttpMethod.Post, token, new { reaction = "Hives" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]!["substance"]);
        Assert.NotNull(problem["errors"]!["severity"]);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/ws/allergies/patient/{Guid.NewGuid()}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.NotFound, (await _oauth.Client.SendAsync(request)).StatusCode);
    }
}
