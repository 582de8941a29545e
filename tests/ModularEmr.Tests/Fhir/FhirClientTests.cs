using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Microsoft.AspNetCore.TestHost;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Fhir;

/// <summary>Firely's own FhirClient as a real client of the server.</summary>
public sealed class FhirClientTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;

    public async System.Threading.Tasks.Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async System.Threading.Tasks.Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async System.Threading.Tasks.Task FhirClient_reads_and_searches_patients_with_a_bearer_token()
    {
        var token = await _oauth.TokenAsync("admin", "Admin123", "user/Patient.rs");
        using var handler = new BearerHandler(token, _oauth.Host.App.GetTestServer().CreateHandler());
        using var client = new FhirClient("http://localhost/ws/fhir", new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = true }, handler);

        var alice = await client.ReadAsync<Patient>($"Patient/{FhirHarness.AliceId}");
        Assert.Equal("Smith", alice!.Name[0].Family);
        FhirHarness.AssertValid(alice);

        var found = await client.SearchAsync<Patient>(["family=Smith"]);
        Assert.Equal(FhirHarness.AliceId, found!.Entry.Single().Resource!.Id);

        var page = await client.SearchAsync<Patient>(pageSize: 7);
        var next = await client.ContinueAsync(page!);
        Assert.Equal(7, next!.Entry.Count);
        Assert.Empty(page!.Entry.Select(e => e.Resource!.Id).Intersect(next.Entry.Select(e => e.Resource!.Id)));
    }

    [Fact]
    public void The_validator_used_on_every_answer_rejects_an_invalid_resource()
    {
        // An OperationOutcome needs at least one issue (R4 OperationOutcome.issue 1..*).
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FhirHarness.AssertValid(new OperationOutcome()));
    }

    private sealed class BearerHandler(string token, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
