using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ModularEmr.Sdk.Testing;

namespace EmrModule1.Tests;

public sealed class NoteApiTests(ModuleHost fixture) : IClassFixture<ModuleHost>
{
    private static readonly string AliceNotes = $"/ws/templatemoduleid/patient/{DemoAccounts.AlicePatient}/notes";

    private async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var client = fixture.Host.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.GetAsync(path);
    }

    [Fact]
    public async Task A_token_with_the_scope_for_a_user_with_the_privilege_reads_the_notes()
    {
        var token = await fixture.Host.TokenAsync("templatemoduleid.read");
        var response = await GetAsync(AliceNotes, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray());
    }

    [Fact]
    public async Task No_token_is_401_and_a_user_without_the_privilege_is_403()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(AliceNotes, null)).StatusCode);

        var alice = await fixture.Host.TokenAsync("templatemoduleid.read", DemoAccounts.Alice, DemoAccounts.AlicePassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(AliceNotes, alice)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_patient_is_404()
    {
        var token = await fixture.Host.TokenAsync("templatemoduleid.read");
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/ws/templatemoduleid/patient/{Guid.NewGuid()}/notes", token)).StatusCode);
    }
}
