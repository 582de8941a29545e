using Microsoft.Extensions.Primitives;

namespace ModularEmr.Host.Hosting;

/// <summary>
/// Headers on every response the host sends (pages above all: login, consent, the developer portal, the
/// fragment extractor): no framing (clickjacking of the consent and login forms), no referrer (an
/// authorization code or state in the address must not leak to another site), no MIME sniffing, and no
/// caching of a page unless it allows it.
/// </summary>
/// <remarks>
/// The policy leaves out <c>form-action</c> on purpose: Chrome applies it to the redirect that follows the
/// consent form, which would stop the browser from reaching the client's redirect URI. Scripts are not
/// restricted here either; a page that needs a script policy sets its own Content-Security-Policy (the
/// fragment extractor does, with its script's hash), and <c>frame-ancestors 'none'</c> is added to it.
/// The headers are written as the response starts, so error pages and refusals carry them too.
/// </remarks>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy = "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            Apply(((HttpContext)state).Response.Headers);
            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    internal static void Apply(IHeaderDictionary headers)
    {
        var policy = headers.ContentSecurityPolicy;
        if (StringValues.IsNullOrEmpty(policy))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
        }
        else if (!policy.ToString().Contains("frame-ancestors", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentSecurityPolicy = policy.ToString().TrimEnd(' ', ';') + "; frame-ancestors 'none'";
        }

        // A page names the signed-in user and what they may see; a shared cache or the back button on a
        // shared workstation must not show it to the next person. A page that may be kept says so itself.
        if (StringValues.IsNullOrEmpty(headers.CacheControl) && headers.ContentType.ToString().StartsWith("text/html", StringComparison.OrdinalIgnoreCase))
        {
            headers.CacheControl = "no-store";
        }

        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
    }

    /// <summary>
    /// Puts the middleware in front of everything, the host-filtering middleware that ASP.NET Core adds
    /// by a startup filter included, so that its refusals carry the headers too.
    /// </summary>
    internal sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<SecurityHeaders>();
            next(app);
        };
    }
}
