using Microsoft.AspNetCore.Authentication;

namespace ModularEmr.Host.Hosting.Telemetry;

/// <summary>The scrape token's SHA-256 (<c>Emr:Telemetry:ScrapeTokenSha256</c>); none configured, none accepted.</summary>
internal sealed class ScrapeTokenOptions : AuthenticationSchemeOptions
{
    public byte[]? TokenHash { get; set; }
}
