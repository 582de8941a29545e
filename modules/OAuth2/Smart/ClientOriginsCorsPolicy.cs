using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Modules.OAuth2.Validation;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// CORS for browser apps (SMART App Launch 2.2 §"Considerations for browser apps", Fetch §3.2): the
/// endpoints such an app calls answer the origins registered by some client, without credentials, since
/// the app sends a bearer token and never a cookie of ours. The authorization endpoint, the sign-in and
/// consent pages, the portal and every cookie-authenticated API are never opened to another origin: a
/// request from any origin there, or from an unregistered origin anywhere, gets no CORS headers, so the
/// browser keeps the answer from the calling page.
/// </summary>
public sealed class ClientOriginsCorsPolicy(RegisteredOrigins registered, IOptions<OAuth2Options> options) : ICorsPolicyProvider
{
    private static readonly string[] OAuthPaths =
    [
        OAuth2ServerRegistration.TokenUri, OAuth2ServerRegistration.AccessTokenUri, OAuth2ServerRegistration.UserInfoUri,
        OAuth2ServerRegistration.RevokeUri, SmartStyleApi.Path,
    ];

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        var path = context.Request.Path;
        if (!OAuthPaths.Contains(path.Value, StringComparer.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/.well-known", StringComparison.OrdinalIgnoreCase)
            && !options.Value.FhirBasePaths.Any(basePath => path.StartsWithSegments("/" + basePath.Trim('/'), StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        string? origin = context.Request.Headers.Origin;
        var services = context.RequestServices;
        if (string.IsNullOrEmpty(origin)
            || !(await registered.GetAsync(services.GetRequiredService<OAuth2DbContext>(), services.GetRequiredService<RevocationSignal>(), context.RequestAborted)).Contains(origin))
        {
            return null;
        }

        return new CorsPolicyBuilder()
            .WithOrigins(origin)
            .WithMethods(HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
            .WithHeaders("Authorization", "Content-Type", "Accept", "If-Match", "If-None-Match", "Prefer")
            .WithExposedHeaders("Location", "Content-Location", "ETag", "Last-Modified", "WWW-Authenticate")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
            .Build();
    }
}
