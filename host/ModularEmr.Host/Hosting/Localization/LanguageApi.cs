using ModularEmr.Sdk.Security;

namespace ModularEmr.Host.Hosting.Localization;

/// <summary>The language switch on every page: <c>/language?culture=fr&amp;returnUrl=/…</c> keeps the choice in a cookie and goes back.</summary>
internal static class LanguageApi
{
    public const string Path = "/language";

    public static IEndpointRouteBuilder MapLanguageSwitch(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, Switch).AllowAnonymous();
        return endpoints;
    }

    private static IResult Switch(HttpContext http, string? culture, string? returnUrl)
    {
        if (culture is null || !EmrLocalization.Languages.Contains(culture, StringComparer.Ordinal))
        {
            return Results.Problem($"'culture' must be one of {string.Join(", ", EmrLocalization.Languages)}.", statusCode: StatusCodes.Status400BadRequest);
        }

        EmrLocalization.Remember(http.Response, culture);

        // Only back to a page of this server (an open redirect otherwise).
        return Results.Redirect(LocalUrl.IsLocal(returnUrl) ? returnUrl! : "/");
    }
}
