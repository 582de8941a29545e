using ModularEmr.Sdk.Modules;

namespace ModularEmr.Host.Hosting;

/// <summary>
/// <c>Emr:PublicOrigin</c>: the one place that says which origin this server's absolute URLs start with.
/// Configured, it is used for every request whatever its Host header; not configured (Development only),
/// each request's own scheme, host and path base are used, so <c>dotnet run</c> works on localhost.
/// </summary>
internal sealed class PublicOrigin : IPublicOrigin
{
    public const string Key = "Emr:PublicOrigin";
    public const string Example = "Emr__PublicOrigin=https://emr.example.org";

    private readonly string? _origin;

    public PublicOrigin(Uri? configured)
    {
        Configured = configured;
        _origin = configured is null ? null : Format(configured);
    }

    public Uri? Configured { get; }

    public string For(HttpRequest request) =>
        _origin ?? $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";

    /// <summary>
    /// The host names the host-filtering middleware lets through when the origin is configured: its own,
    /// and the loopback names. A health check on the machine itself (Docker's HEALTHCHECK, systemd, a local
    /// monitoring agent) reaches the server as localhost, and a loopback Host header cannot steer anything:
    /// no URL is built from it once the origin is configured, and a DNS-rebinding page always sends its own
    /// name, never a loopback one.
    /// </summary>
    public static string[] AllowedHosts(Uri origin) => [Host(origin), "localhost", "127.0.0.1", "[::1]"];

    /// <summary>Reads the setting; null when it is absent. A value that is not a bare http(s) origin stops start-up.</summary>
    public static Uri? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Length == 0)
        {
            throw new StartupException($"{Key} '{text}' is not an absolute http or https origin; set it to the address clients use, e.g. {Example}");
        }

        if (uri.UserInfo.Length > 0 || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || text.Contains('?', StringComparison.Ordinal) || text.Contains('#', StringComparison.Ordinal))
        {
            throw new StartupException($"{Key} '{text}' must be an origin alone (scheme, host, optional port: no user, path, query or fragment), e.g. {Example}");
        }

        return new Uri(Format(uri) + "/");
    }

    /// <summary>The message when the setting is missing outside Development.</summary>
    public static string Missing(string environment) =>
        $"{Key} is not set; outside Development ({environment} here) the host needs the origin its clients use for the issuer, discovery, fhirUser and links, e.g. {Example}";

    private static string Host(Uri uri) => uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;

    private static string Format(Uri uri) => $"{uri.Scheme}://{Host(uri)}{(uri.IsDefaultPort ? string.Empty : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
}
