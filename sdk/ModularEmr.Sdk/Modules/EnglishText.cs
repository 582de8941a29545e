using System.Collections.Concurrent;
using System.Globalization;
using System.Resources;

namespace ModularEmr.Sdk.Modules;

/// <summary>
/// A module's text in English whatever the request's language, from the same <c>.resx</c> its pages and
/// error bodies read through <c>IStringLocalizer</c>: for a <c>WWW-Authenticate</c> challenge or an OAuth
/// <c>error_description</c>, which RFC 6750 §3 and RFC 6749 §5.2 keep to ASCII. Added in sdk 1.7.0.
/// </summary>
public static class EnglishText
{
    private static readonly ConcurrentDictionary<Type, ResourceManager> Managers = new();

    /// <summary>The English (neutral) value of <paramref name="key"/> in <typeparamref name="TTexts"/>'s resources, formatted; the key itself when there is none.</summary>
    public static string Of<TTexts>(string key, params object[] arguments)
    {
        var resources = Managers.GetOrAdd(typeof(TTexts), static type => new ResourceManager(type.FullName!, type.Assembly));
        return string.Format(CultureInfo.InvariantCulture, resources.GetString(key, CultureInfo.InvariantCulture) ?? key, arguments);
    }
}
