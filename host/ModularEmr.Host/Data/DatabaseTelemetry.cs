using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ModularEmr.Host.Data;

/// <summary>
/// The time each database command takes, for every context of the host and of its modules, on either
/// provider: a histogram (<c>emr.db.command.duration</c>) and, when tracing listens, a span per command.
/// </summary>
/// <remarks>
/// Npgsql has metrics of its own and SQLite none, and EF Core's meter counts queries without timing them:
/// one interceptor gives an operator the same measure whichever database the host runs on. Nothing is
/// recorded unless a listener (OpenTelemetry, <c>dotnet-counters</c>) subscribes, and the command's text
/// is never recorded: a search's parameters would put names and identifiers into telemetry.
/// </remarks>
internal sealed class DatabaseTelemetry : DbCommandInterceptor
{
    public const string SourceName = "ModularEmr.Database";

    public static readonly DatabaseTelemetry Instance = new();

    private static readonly ActivitySource Source = new(SourceName);
    private static readonly ConcurrentDictionary<Guid, Activity> Running = new();
    private static readonly Meter Meter = new(SourceName);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram(
        "emr.db.command.duration",
        unit: "s",
        description: "Time of a database command until its result (for a query, its first row); on SQLite a write's time includes its wait for the file's one writer.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private DatabaseTelemetry()
    {
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Start(eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Start(eventData);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Stop(eventData, "query", error: null);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Stop(eventData, "query", error: null);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Start(eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Start(eventData);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Stop(eventData, "non_query", error: null);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Stop(eventData, "non_query", error: null);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Start(eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Start(eventData);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Stop(eventData, "scalar", error: null);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Stop(eventData, "scalar", error: null);
        return result;
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(eventData, "failed", eventData.Exception);
        return Task.CompletedTask;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Stop(eventData, "failed", eventData.Exception);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(eventData, "canceled", error: null);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Stop(eventData, "canceled", error: null);

    /// <summary>
    /// A span for the command, if tracing listens, under the span current now (the request's). It is found
    /// again by the command's id: EF Core calls the two halves from different async methods, so the span does
    /// not stay <see cref="Activity.Current"/> from one to the other.
    /// </summary>
    private static void Start(CommandEventData eventData)
    {
        if (Source.HasListeners() && Source.StartActivity("db " + System(eventData), ActivityKind.Client) is { } activity)
        {
            activity.SetTag("db.system", System(eventData));
            activity.SetTag("emr.db.context", eventData.Context?.GetType().Name);
            Running[eventData.CommandId] = activity;
        }
    }

    /// <summary>EF Core measures the command itself (<see cref="CommandEndEventData.Duration"/>); this records it.</summary>
    private static void Stop(CommandEndEventData eventData, string outcome, Exception? error)
    {
        if (Duration.Enabled)
        {
            Duration.Record(
                eventData.Duration.TotalSeconds,
                new KeyValuePair<string, object?>("db.system", System(eventData)),
                new KeyValuePair<string, object?>("emr.db.outcome", outcome),
                new KeyValuePair<string, object?>("emr.db.context", eventData.Context?.GetType().Name));
        }

        if (Running.TryRemove(eventData.CommandId, out var activity))
        {
            if (error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            }

            activity.Dispose();
        }
    }

    private static string System(CommandEventData eventData) =>
        eventData.Context?.Database.ProviderName switch
        {
            "Npgsql.EntityFrameworkCore.PostgreSQL" => "postgresql",
            "Microsoft.EntityFrameworkCore.Sqlite" => "sqlite",
            var other => other ?? "unknown",
        };
}
