using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>
/// The pages' stylesheet, embedded in the module's assembly and served from the module's own path: a
/// module is one folder, and the host serves no files of its own for it.
/// </summary>
public static class PageAssets
{
    public const string StylesheetPath = "/ws/oauth2/assets/oauth2.css";

    private static readonly byte[] Stylesheet = Read("ModularEmr.Modules.OAuth2.oauth2.css");

    public static IEndpointRouteBuilder MapPageAssets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(StylesheetPath, (HttpContext http) =>
        {
            // The same for everyone; a new version of the module may change it, so a day at most.
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.Bytes(Stylesheet, "text/css; charset=utf-8");
        }).AllowAnonymous();
        return endpoints;
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The module was built without its resource '{name}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
