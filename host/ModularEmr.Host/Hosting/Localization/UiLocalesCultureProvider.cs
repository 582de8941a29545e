using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.WebUtilities;

namespace ModularEmr.Host.Hosting.Localization;

/// <summary>
/// OpenID Connect Core §3.1.2.1 <c>ui_locales</c>: the languages an app asks the sign-in and consent pages
/// to use, most preferred first. Read from the authorization request, or from the request the login page
/// returns to (<c>returnUrl</c>). As Keycloak does, the choice is kept in the language cookie, so the rest
/// of the flow (the login form's post, the consent) speaks it too.
/// </summary>
internal sealed class UiLocalesCultureProvider : RequestCultureProvider
{
    public const string Parameter = "ui_locales";

    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var query = httpContext.Request.Query;
        var locales = query[Parameter].ToString();
        if (locales.Length == 0 && query["returnUrl"].ToString() is { Length: > 0 } returnUrl && returnUrl.IndexOf('?', StringComparison.Ordinal) is var start and >= 0)
        {
            locales = QueryHelpers.ParseQuery(returnUrl[start..]).GetValueOrDefault(Parameter).ToString();
        }

        var tags = locales.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var supported = tags.FirstOrDefault(tag => EmrLocalization.Languages.Any(language => tag.Equals(language, StringComparison.OrdinalIgnoreCase)
            || tag.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase)));
        if (supported is null)
        {
            return NullProviderCultureResult;
        }

        var language = supported[..2].ToLowerInvariant();
        EmrLocalization.Remember(httpContext.Response, language);
        return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult("en", language));
    }
}
