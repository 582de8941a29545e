using Microsoft.AspNetCore.Http;

namespace ModularEmr.Sdk.Modules;

/// <summary>
/// The origin clients use to reach this server: <c>Emr:PublicOrigin</c> (environment <c>Emr__PublicOrigin</c>),
/// such as <c>https://emr.example.org</c>. Every absolute URL a module hands out (an issuer, a discovery
/// document, a link, a <c>fhirUser</c> claim) starts with it; never build one from the request's Host
/// header, which the client chooses. The host registers it as a singleton before any module registers
/// its services.
/// </summary>
/// <remarks>Added in sdk 1.1.0.</remarks>
public interface IPublicOrigin
{
    /// <summary>
    /// The configured origin (scheme, host and port, as <c>https://emr.example.org</c>), or null when it is
    /// not configured, which the host allows in the Development environment only.
    /// </summary>
    Uri? Configured { get; }

    /// <summary>
    /// The origin for the URLs in the answer to <paramref name="request"/>, without a trailing slash: the
    /// configured one; without it (Development only), the request's scheme, host and path base.
    /// </summary>
    string For(HttpRequest request);
}
