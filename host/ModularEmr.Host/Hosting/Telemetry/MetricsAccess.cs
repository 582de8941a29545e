using Microsoft.AspNetCore.Authorization;
using ModularEmr.Host.Hosting.Authorization;
using ModularEmr.Sdk.Accounts;

namespace ModularEmr.Host.Hosting.Telemetry;

/// <summary>
/// Who reads <see cref="EmrTelemetry.MetricsPath"/>: a signed-in user holding <see cref="ViewMetrics"/> (an
/// administrator in a browser), or a scraper sending the token whose SHA-256 is
/// <c>Emr:Telemetry:ScrapeTokenSha256</c>. Anyone else gets 401, or 403 when signed in without the privilege:
/// metrics show error rates, refused tokens and database timings, which are an operator's business.
/// </summary>
internal static class MetricsAccess
{
    public const string Policy = "ViewMetrics";

    /// <summary>A core privilege, after OpenMRS's naming; System Developers hold it.</summary>
    public const string ViewMetrics = "View Metrics";

    public const string ScrapeTokenSetting = "Emr:Telemetry:ScrapeTokenSha256";

    /// <summary>Chooses the scrape token when a bearer token is sent, the session otherwise; answers as a bearer resource.</summary>
    private const string Scheme = "Metrics";

    public static void AddTo(IServiceCollection services, IConfiguration configuration)
    {
        var hash = configuration[ScrapeTokenSetting] is { Length: > 0 } hex ? ParseHash(hex) : null;
        services.AddAuthentication()
            .AddScheme<ScrapeTokenOptions, ScrapeTokenHandler>(ScrapeTokenHandler.SchemeName, options => options.TokenHash = hash)
            .AddPolicyScheme(Scheme, null, options =>
            {
                options.ForwardDefaultSelector = http => http.Request.Headers.Authorization.Count > 0 ? ScrapeTokenHandler.SchemeName : IUserSignIn.CookieScheme;
                // A scraper follows no redirect to a login page: 401 with a bearer challenge, for browsers too.
                options.ForwardChallenge = ScrapeTokenHandler.SchemeName;
                options.ForwardForbid = ScrapeTokenHandler.SchemeName;
            });
        services.AddScoped<IAuthorizationHandler, PrivilegeAuthorizationHandler>();
        services.AddSingleton<IAuthorizationHandler, ScraperAuthorizationHandler>();
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .AddRequirements(new PrivilegeRequirement(ViewMetrics)));
    }

    private static byte[] ParseHash(string hex)
    {
        try
        {
            var hash = Convert.FromHexString(hex.Trim());
            if (hash.Length == 32)
            {
                return hash;
            }
        }
        catch (FormatException)
        {
        }

        throw new StartupException($"{ScrapeTokenSetting} must be the SHA-256 of the scrape token as 64 hexadecimal digits (for example: printf %s \"$TOKEN\" | sha256sum)");
    }
}
