using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ModularEmr.Host.Hosting.Telemetry;

/// <summary>
/// A metrics scraper (Prometheus' <c>authorization: credentials_file</c>) sends a long random token the operator
/// made; the host keeps only its SHA-256, so the configuration does not hold a usable secret. It opens
/// <see cref="EmrTelemetry.MetricsPath"/> and nothing else: the token names no user and is not an OAuth
/// token. Answers carry RFC 6750's challenge, as any bearer-protected resource does.
/// </summary>
internal sealed class ScrapeTokenHandler(IOptionsMonitor<ScrapeTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ScrapeTokenOptions>(options, logger, encoder)
{
    public const string SchemeName = "MetricsScrapeToken";

    /// <summary>The claim a scraper's principal carries instead of a user.</summary>
    public const string ScraperClaim = "emr:metrics_scraper";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var expected = Options.TokenHash;
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        if (expected is null || !CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return Task.FromResult(AuthenticateResult.Fail("The scrape token is not the one configured in Emr:Telemetry:ScrapeTokenSha256."));
        }

        var identity = new ClaimsIdentity([new Claim(ScraperClaim, "true")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer realm=\"metrics\"");
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
