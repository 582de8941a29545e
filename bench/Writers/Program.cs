using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

// Adds names to one person over REST from N concurrent connections for a fixed time, then waits for
// every request in flight. Prints one JSON line (the shape of bench/wrk/report.lua, plus "acknowledged")
// and writes the uuid of every acknowledged name to --acknowledged, one per line.
var options = Options.Parse(args);
using var client = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Connections,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
})
{
    BaseAddress = new Uri(options.Url),
    Timeout = TimeSpan.FromSeconds(30),
};
client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
var body = JsonSerializer.Serialize(new { givenName = "Load", familyName = options.Family, preferred = true });
var path = $"/ws/rest/v1/person/{options.Person}/name";

var deadline = Stopwatch.StartNew();
var workers = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(async () =>
{
    var result = new WorkerResult();
    while (deadline.Elapsed < options.Duration)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(path, content);
            var text = await response.Content.ReadAsStringAsync();
            result.Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                result.Acknowledged.Add(JsonDocument.Parse(text).RootElement.GetProperty("uuid").GetString()!);
            }
            else
            {
                result.Refused++;
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            result.SocketErrors++;
        }
    }

    return result;
})).ToList();
var results = await Task.WhenAll(workers);
var seconds = deadline.Elapsed.TotalSeconds;

var latencies = results.SelectMany(r => r.Latencies).Order().ToList();
double Percentile(double p) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p / 100 * latencies.Count) - 1)];
var acknowledged = results.SelectMany(r => r.Acknowledged).ToList();
await File.WriteAllLinesAsync(options.AcknowledgedFile, acknowledged);
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["requests"] = latencies.Count,
    ["rps"] = Math.Round(latencies.Count / seconds, 1),
    ["p50_ms"] = Math.Round(Percentile(50), 3),
    ["p99_ms"] = Math.Round(Percentile(99), 3),
    ["non2xx"] = results.Sum(r => r.Refused),
    ["socket_errors"] = results.Sum(r => r.SocketErrors),
    ["acknowledged"] = acknowledged.Count,
}));

internal sealed class WorkerResult
{
    public List<double> Latencies { get; } = [];

    public List<string> Acknowledged { get; } = [];

    public int Refused { get; set; }

    public int SocketErrors { get; set; }
}

internal sealed record Options(string Url, string Token, string Person, string Family, int Connections, TimeSpan Duration, string AcknowledgedFile)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
        return new Options(
            Required("url"),
            Required("token"),
            Required("person"),
            Required("family"),
            int.Parse(values.GetValueOrDefault("connections", "16"), System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(int.Parse(values.GetValueOrDefault("seconds", "30"), System.Globalization.CultureInfo.InvariantCulture)),
            Required("acknowledged"));
    }
}
