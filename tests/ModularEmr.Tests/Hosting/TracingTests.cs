using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;
using OpenTelemetry.Trace;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// Traces, as a collector receives them (here through OpenTelemetry's in-memory exporter). Alone: span
/// listeners are process-wide, and another host's requests would be heard too.
/// </summary>
[Collection(ProcessWideMeters.Name)]
public sealed class TracingTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_fhir_read_is_one_trace_with_its_database_commands_under_the_request_and_no_sql_in_them()
    {
        var spans = new LockedActivities();
        var modules = new ModulesFileBuilder()
            .Add("oauth2", Repository.ModuleFolder("modules/OAuth2"))
            .Add("fhir", Repository.ModuleFolder("modules/Fhir"))
            .Add("rest", Repository.ModuleFolder("modules/Rest"))
            .WriteTo(_folder);
        await using var host = await EmrTestHost.StartAsync(
            _folder.Combine("data"), modules,
            overrideServices: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)),
            extraArgs: "--Emr:Telemetry:Traces=true");
        var client = host.CreateClient();

        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "system/Patient.rs")]),
        };
        tokenRequest.Headers.Authorization = OAuth2Harness.BasicHeader(OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret);
        var token = (string)JsonNode.Parse(await (await client.SendAsync(tokenRequest)).Content.ReadAsStringAsync())!["access_token"]!;
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/ws/fhir/Patient/{FhirHarness.AliceId}");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // The caller's trace (W3C Trace Context), continued by the server: the spans of this read are those of this trace.
        var trace = ActivityTraceId.CreateRandom();
        read.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(read)).StatusCode);

        // The request's span ends after its answer is sent.
        Activity? request = null;
        for (var waited = 0; request is null && waited < 100; waited++)
        {
            request = spans.Snapshot().FirstOrDefault(s => s.Kind == ActivityKind.Server && s.TraceId == trace);
            await Task.Delay(50);
        }

        Assert.NotNull(request);
        Assert.Equal("/ws/fhir/Patient/{id}", request.GetTagItem("http.route"));
        var commands = spans.Snapshot().Where(s => s.Source.Name == "ModularEmr.Database" && s.TraceId == trace).ToArray();
        Assert.NotEmpty(commands);
        Assert.All(commands, command =>
        {
            Assert.Equal(ActivityKind.Client, command.Kind);
            Assert.Equal("sqlite", command.GetTagItem("db.system"));
            Assert.Equal(request.SpanId, command.ParentSpanId);
            Assert.InRange(command.StartTimeUtc, request.StartTimeUtc, request.StartTimeUtc + request.Duration);
            // Statements carry a search's names and identifiers: no span holds one.
            Assert.DoesNotContain(command.TagObjects, tag => tag.Key.Contains("statement", StringComparison.Ordinal) || tag.Key.Contains("query", StringComparison.Ordinal));
        });
    }
}
