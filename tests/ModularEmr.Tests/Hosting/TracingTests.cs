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
    private readonly LockedActivities _spans = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_fhir_read_is_one_trace_with_its_database_commands_under_the_request_and_no_sql_in_them()
    {
        await using var host = await StartAsync();
        var (request, commands) = await TraceAsync(host, $"/ws/fhir/Patient/{FhirHarness.AliceId}");

        Assert.Equal("/ws/fhir/Patient/{id}", request.GetTagItem("http.route"));
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

    /// <summary>
    /// Each statement is a round trip to PostgreSQL, which costs more than an indexed lookup's server time:
    /// an identifier search reads its match and the patient's names, addresses and identifiers in one.
    /// </summary>
    [PostgresFact]
    public async Task An_identifier_search_on_postgresql_reads_its_page_with_the_details_in_one_statement()
    {
        await using var host = await StartAsync(Postgres.HostArguments(await Postgres.CreateDatabaseAsync()));
        const string path = "/ws/fhir/Patient?identifier=100000-1";

        // The first search also loads the token's state and the identifier types; the second is the steady state.
        await TraceAsync(host, path);
        var (request, commands) = await TraceAsync(host, path);

        Assert.Equal("/ws/fhir/Patient", request.GetTagItem("http.route"));
        var records = commands.Where(c => Equals(c.GetTagItem("emr.db.context"), "CoreDbContext")).ToArray();
        var command = Assert.Single(records);
        Assert.Equal("postgresql", command.GetTagItem("db.system"));
    }

    private Task<EmrTestHost> StartAsync(params string[] extraArgs)
    {
        var modules = new ModulesFileBuilder()
            .Add("oauth2", Repository.ModuleFolder("modules/OAuth2"))
            .Add("fhir", Repository.ModuleFolder("modules/Fhir"))
            .Add("rest", Repository.ModuleFolder("modules/Rest"))
            .WriteTo(_folder);
        return EmrTestHost.StartAsync(
            _folder.Combine("data"), modules,
            overrideServices: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans)),
            extraArgs: ["--Emr:Telemetry:Traces=true", .. extraArgs]);
    }

    /// <summary>A FHIR GET of <paramref name="path"/> with a system token, answered 200: its request span and database spans.</summary>
    private async Task<(Activity Request, Activity[] Commands)> TraceAsync(EmrTestHost host, string path)
    {
        var client = host.CreateClient();
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "system/Patient.rs")]),
        };
        tokenRequest.Headers.Authorization = OAuth2Harness.BasicHeader(OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret);
        var token = (string)JsonNode.Parse(await (await client.SendAsync(tokenRequest)).Content.ReadAsStringAsync())!["access_token"]!;
        using var read = new HttpRequestMessage(HttpMethod.Get, path);
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // The caller's trace (W3C Trace Context), continued by the server: the spans of this read are those of this trace.
        var trace = ActivityTraceId.CreateRandom();
        read.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(read)).StatusCode);

        // The request's span ends after its answer is sent.
        Activity? request = null;
        for (var waited = 0; request is null && waited < 100; waited++)
        {
            request = _spans.Snapshot().FirstOrDefault(s => s.Kind == ActivityKind.Server && s.TraceId == trace);
            await Task.Delay(50);
        }

        Assert.NotNull(request);
        return (request, _spans.Snapshot().Where(s => s.Source.Name == "ModularEmr.Database" && s.TraceId == trace).ToArray());
    }
}
