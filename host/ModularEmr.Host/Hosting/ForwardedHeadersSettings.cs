using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ModularEmr.Host.Hosting;

/// <summary>
/// <c>Emr:ForwardedHeaders:KnownProxies</c> (IP addresses) and <c>Emr:ForwardedHeaders:KnownNetworks</c>
/// (CIDR ranges): the reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are
/// believed. Nothing configured means no forwarded header is believed from anyone, loopback included:
/// ASP.NET Core's defaults would trust 127.0.0.1/8 and ::1, and empty lists would make it trust every
/// sender, so neither is left in place. <c>X-Forwarded-Host</c> is never used: the public origin is configured.
/// </summary>
internal sealed record ForwardedHeadersSettings(IReadOnlyList<IPAddress> KnownProxies, IReadOnlyList<System.Net.IPNetwork> KnownNetworks)
{
    public const string Section = "Emr:ForwardedHeaders";

    public static ForwardedHeadersSettings None { get; } = new([], []);

    /// <summary>True when some proxy is trusted, and the forwarded-headers middleware has work to do.</summary>
    public bool TrustsAnyProxy => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>
    /// Each list is a configuration array (<c>Emr__ForwardedHeaders__KnownProxies__0=10.0.0.5</c>) or one
    /// value separated by commas, semicolons or spaces (<c>Emr__ForwardedHeaders__KnownProxies=10.0.0.5,10.0.0.6</c>).
    /// </summary>
    public static ForwardedHeadersSettings From(IConfiguration configuration)
    {
        var proxies = Entries(configuration, "KnownProxies").Select(entry => IPAddress.TryParse(entry, out var address) && !entry.Contains('/', StringComparison.Ordinal)
            ? address
            : throw new StartupException($"{Section}:KnownProxies: '{entry}' is not an IP address (a range goes in {Section}:KnownNetworks, e.g. 10.0.0.0/8)")).ToList();
        var networks = Entries(configuration, "KnownNetworks").Select(entry => entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network)
            ? network
            : throw new StartupException($"{Section}:KnownNetworks: '{entry}' is not a CIDR range such as 10.0.0.0/8 or fd00::/8")).ToList();
        return new ForwardedHeadersSettings(proxies, networks);
    }

    /// <summary>Applies these settings to ASP.NET Core's options, replacing its defaults.</summary>
    public void Configure(ForwardedHeadersOptions options)
    {
        // With no proxy configured the middleware is not added; None here also disarms the one ASP.NET Core
        // adds by itself when ASPNETCORE_FORWARDEDHEADERS_ENABLED=true (which would believe any sender).
        options.ForwardedHeaders = TrustsAnyProxy ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies)
        {
            options.KnownProxies.Add(proxy);
        }

        foreach (var network in KnownNetworks)
        {
            options.KnownIPNetworks.Add(network);
        }

        // Only the entry the nearest trusted proxy added; whatever is left of it the client wrote.
        options.ForwardLimit = 1;
    }

    private static IEnumerable<string> Entries(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection($"{Section}:{key}");
        var values = section.GetChildren().Select(child => child.Value).Prepend(section.Value);
        return values.SelectMany(value => (value ?? string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
