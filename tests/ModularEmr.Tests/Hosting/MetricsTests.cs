using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// OpenTelemetry metrics scraped in Prometheus' format at <c>/metrics</c>: only by an administrator's session
/// or the configured scrape token; with request duration, database command time, and the OAuth2 module's
/// token responses and validations counted by what happened.
/// </summary>
[Collection(ProcessWideMeters.Name)]
public sealed partial class MetricsTests
{
    [Fact]
    public async Task An_administrator_reads_requests_database_time_and_token_outcomes_counted_as_they_happened()
    {
        await using var oauth = await OAuth2Harness.StartAsync();
        var token = await oauth.SystemTokenAsync("system/Patient.rs");
        var refused = await oauth.TokenAsync((OAuth2Harness.Confidential, "not-the-secret"), ("grant_type", "client_credentials"), ("scope", "system/Patient.rs"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{FhirHarness.AliceId}", token)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{FhirHarness.AliceId}", token + "x")).StatusCode);

        var admin = oauth.NewBrowser();
        await admin.SignInAsync("admin", "Admin123");
        var text = await ScrapeAsync(admin.Client);

        Assert.Equal(1, Value(text, "emr_oauth2_token_responses_total", ("grant_type", "client_credentials"), ("outcome", "issued")));
        Assert.Equal(1, Value(text, "emr_oauth2_token_responses_total", ("grant_type", "client_credentials"), ("outcome", "invalid_client")));
        // The first read validates the token; the next two find it in the cache.
        Assert.Equal(1, Value(text, "emr_oauth2_token_validations_total", ("outcome", "valid"), ("cached", "false")));
        Assert.Equal(2, Value(text, "emr_oauth2_token_validations_total", ("outcome", "valid"), ("cached", "true")));
        // The tokens are encrypted: a changed character breaks the ciphertext before the signature is reached.
        Assert.Equal(1, Value(text, "emr_oauth2_token_validations_total", ("cached", "false"), ("outcome", "decryption")));
        Assert.True(Value(text, "http_server_request_duration_seconds_count", ("http_route", "/ws/fhir/Patient/{id}"), ("http_response_status_code", "200")) >= 3);
        Assert.True(Value(text, "emr_db_command_duration_seconds_count", ("db_system", "sqlite"), ("emr_db_context", "CoreDbContext"), ("emr_db_outcome", "query")) >= 1);
        // Nothing that names a person, a client or a token is a label.
        Assert.DoesNotContain(OAuth2Harness.Confidential, text, StringComparison.Ordinal);
        Assert.DoesNotContain(FhirHarness.AliceId, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nobody_else_reads_metrics_a_signed_in_user_without_the_privilege_included()
    {
        await using var oauth = await OAuth2Harness.StartAsync();

        var anonymous = await oauth.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        // No scrape token is configured: no bearer token opens it, an OAuth access token included.
        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await oauth.SystemTokenAsync("system/Patient.rs"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await oauth.Client.SendAsync(withToken)).StatusCode);

        var alice = oauth.NewBrowser();
        await alice.SignInAsync("alice", "Alice123");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.Client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task A_scraper_with_the_configured_token_reads_them_and_one_with_another_token_does_not()
    {
        var scrapeToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(scrapeToken)));
        await using var oauth = await OAuth2Harness.StartAsync(null, $"--Emr:Telemetry:ScrapeTokenSha256={hash}");
        Assert.Equal(HttpStatusCode.OK, (await oauth.Client.GetAsync("/health/ready")).StatusCode); // a database read to be measured

        Assert.Contains("emr_db_command_duration_seconds", await ScrapeAsync(oauth.Client, scrapeToken), StringComparison.Ordinal);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", scrapeToken[..^1] + (scrapeToken[^1] == 'A' ? 'B' : 'A'));
        Assert.Equal(HttpStatusCode.Unauthorized, (await oauth.Client.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task A_scrape_token_hash_that_is_not_a_sha256_stops_the_host_with_the_setting_named()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => OAuth2Harness.StartAsync(null, "--Emr:Telemetry:ScrapeTokenSha256=secret"));
        Assert.Contains("Emr:Telemetry:ScrapeTokenSha256 must be the SHA-256", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<string> ScrapeAsync(HttpClient client, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a metric's samples whose labels include every one of <paramref name="labels"/>; 0 when none.</summary>
    private static double Value(string exposition, string metric, params (string Name, string Value)[] labels) =>
        exposition.Split('\n')
            .Select(line => Sample().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == metric)
            .Where(m => labels.All(l => m.Groups["labels"].Value.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));

    // Label values are quoted and may hold braces (http_route="/ws/fhir/Patient/{id}").
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>(?:[^""}]|""(?:[^""\\]|\\.)*"")*)\})? (?<value>[-+0-9.eE]+|NaN|\+Inf)(\s+\d+)?$")]
    private static partial Regex Sample();
}
