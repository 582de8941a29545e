using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace ModularEmr.Host.Hosting.Localization;

/// <summary>
/// The languages of the pages and messages (English, French and Spanish, as OpenMRS ships its OAuth2 pages),
/// chosen per request: the OIDC <c>ui_locales</c> parameter, then the visitor's own choice on a page (a
/// cookie), then the browser's <c>Accept-Language</c>, then English. Only the UI culture follows the
/// visitor: number and date formats stay English everywhere, so no API, log line or SQL parameter changes
/// with the visitor's language.
/// </summary>
internal static class EmrLocalization
{
    /// <summary>The cookie that holds a visitor's choice (ASP.NET Core's format, <c>c=…|uic=…</c>).</summary>
    public const string CookieName = ".ModularEmr.Culture";

    public static readonly string[] Languages = ["en", "fr", "es"];

    /// <summary>Keeps <paramref name="language"/> as the visitor's choice (the cookie the culture providers read).</summary>
    public static void Remember(HttpResponse response, string language) =>
        response.Cookies.Append(
            CookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture("en", language)),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365) });

    public static IServiceCollection AddEmrLocalization(this IServiceCollection services) =>
        services.AddLocalization().Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture("en");
            options.SupportedCultures = [new CultureInfo("en")];
            options.SupportedUICultures = [.. Languages.Select(language => new CultureInfo(language))];
            options.FallBackToParentUICultures = true;
            options.RequestCultureProviders =
            [
                new UiLocalesCultureProvider(),
                new CookieRequestCultureProvider { CookieName = CookieName },
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
}
