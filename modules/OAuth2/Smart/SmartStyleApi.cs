using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>Serves the style document a token response points to with <c>smart_style_url</c>.</summary>
public static class SmartStyleApi
{
    public const string Path = "/ws/oauth2/smart-style.json";

    /// <summary>The colours and fonts of this module's pages (Pages/Assets/oauth2.css), in SMART's vocabulary.</summary>
    private static readonly SmartStyle Style = new(
        ColorBackground: "#ffffff",
        ColorError: "#a01818",
        ColorHighlight: "#2050a0",
        ColorModalBackdrop: "#1d2733",
        ColorSuccess: "#2e7d32",
        ColorText: "#1d2733",
        DimBorderRadius: "0.25em",
        DimFontSize: "1em",
        DimSpacingSize: "1em",
        FontFamilyBody: "system-ui, sans-serif",
        FontFamilyHeading: "system-ui, sans-serif");

    public static IEndpointRouteBuilder MapSmartStyleApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, GetStyle).AllowAnonymous();
        return endpoints;
    }

    private static Ok<SmartStyle> GetStyle(HttpContext http)
    {
        // The same for everyone and rarely changed: any cache may keep it for a day.
        http.Response.Headers.CacheControl = "public, max-age=86400";
        return TypedResults.Ok(Style);
    }
}
