using ModularEmr.Host.Data;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ModularEmr.Host.Hosting.Telemetry;

/// <summary>
/// Metrics and traces through OpenTelemetry: ASP.NET Core's request duration, the .NET runtime, database
/// command time (<see cref="DatabaseTelemetry"/>), and every meter and activity source a module names
/// <c>ModularEmr.*</c> (the OAuth2 module's token issuance and validation outcomes among them).
/// <list type="bullet">
/// <item>Metrics are always collected and scraped at <see cref="MetricsPath"/> by administrators
/// (<see cref="MetricsAccess"/>), in Prometheus' text format.</item>
/// <item>Metrics and traces go to an OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
/// OpenTelemetry convention, with its <c>OTEL_*</c> companions). Traces are recorded only then (unless
/// <see cref="TracesSetting"/> says otherwise): a span per request and per command costs throughput, and
/// nothing would read them.</item>
/// </list>
/// </summary>
internal static class EmrTelemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Whether traces are recorded: by default only when they are exported over OTLP; true records them for
    /// an exporter added in code as well (the tests' in-memory one), false never.
    /// </summary>
    public const string TracesSetting = "Emr:Telemetry:Traces";

    /// <summary>The names a module's meters and activity sources start with to be collected.</summary>
    public const string ModuleSources = "ModularEmr.*";

    public static void AddEmrTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var traces = builder.Configuration.GetValue<bool?>(TracesSetting) ?? otlp;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ModularEmr", serviceVersion: typeof(EmrTelemetry).Assembly.GetName().Version?.ToString(3)))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddMeter(ModuleSources).AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (traces)
        {
            telemetry.WithTracing(tracing =>
            {
                // Probes call every few seconds; their spans would drown the requests people make.
                tracing.AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments(MetricsPath))
                    .AddSource(ModuleSources);
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }

        // Metrics and traces only, signal by signal: UseOtlpExporter() would export the logs as well, and log
        // lines (a username, a client id) are not for a collector the operator set up for dashboards.

        MetricsAccess.AddTo(builder.Services, builder.Configuration);
    }

    /// <summary><see cref="MetricsPath"/>, for administrators only.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(MetricsAccess.Policy);
        return endpoints;
    }
}
