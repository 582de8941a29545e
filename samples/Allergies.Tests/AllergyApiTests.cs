using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModularEmr.Sdk.Testing;

namespace ModularEmr.Samples.Allergies.Tests;

/// <summary>The module's API and its FHIR type, through the real host started by the test kit.</summary>
public sealed class AllergyApiTests(AllergiesHost fixture) : IClassFixture<AllergiesHost>
{
    private EmrModuleHost Host => fixture.Host;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string? token, object? body = null, string patient = DemoAccounts.AlicePatient)
    {
        using var client = Host.CreateClient();
        using var request = new HttpRequestMessage(method, $"/ws/allergies/patient/{patient}") { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_token_with_its_scopes_records_and_lists_allergies_and_FHIR_serves_them()
    {
        var token = await Host.TokenAsync("allergies.read allergies.write user/AllergyIntolerance.rs");

        var recorded = await SendAsync(HttpMethod.Post, token, new { substance = "Penicillin", reaction = "Hives", severity = "Severe" });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        var uuid = (string)JsonNode.Parse(await recorded.Content.ReadAsStringAsync())!["uuid"]!;

        var list = JsonNode.Parse(await (await SendAsync(HttpMethod.Get, token)).Content.ReadAsStringAsync())!.AsArray();
        Assert.Contains(list, allergy => (string?)allergy!["uuid"] == uuid && (string?)allergy["clinicalStatus"] == "Active");

        using var client = Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var fhir = JsonNode.Parse(await client.GetStringAsync($"/ws/fhir/AllergyIntolerance/{uuid}"))!;
        Assert.Equal("AllergyIntolerance", (string?)fhir["resourceType"]);
        Assert.Equal("Penicillin", (string?)fhir["code"]!["text"]);
    }

    [Fact]
    public async Task Scopes_and_privileges_are_enforced()
    {
        var readOnly = await Host.TokenAsync("allergies.read");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, readOnly, new { substance = "Latex", severity = "Mild" })).StatusCode);

        var alice = await Host.TokenAsync("allergies.read", DemoAccounts.Alice, DemoAccounts.AlicePassword);
        var refused = await SendAsync(HttpMethod.Get, alice);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("View Allergies", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var anonymous = await SendAsync(HttpMethod.Get, token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer realm=\"allergies\"", anonymous.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Bad_input_is_a_validation_problem_and_an_unknown_patient_is_404()
    {
        var token = await Host.TokenAsync("allergies.read allergies.write");

        var invalid = await SendAsync(HttpMethod.Post, token, new { reaction = "Hives", clinicalStatus = "Forgotten" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["errors"]!;
        Assert.NotNull(errors["substance"]);
        Assert.NotNull(errors["severity"]);
        Assert.NotNull(errors["clinicalStatus"]);

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, token, patient: Guid.NewGuid().ToString())).StatusCode);
    }
}
