using System.Collections.Concurrent;
using System.Xml.Linq;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>
/// The words the server's pages are made of, read from the repository's <c>.resx</c> files: what a page in
/// a language should say, and the English a page in another language must not show.
/// </summary>
internal static class PageWords
{
    public const string Pages = "modules/OAuth2/Pages/PageText";
    public const string Home = "host/ModularEmr.Host/Hosting/Home/HomeText";
    public const string OAuth2Scopes = "modules/OAuth2/Protocol/ScopeText";
    public const string Fhir = "modules/Fhir/FhirText";
    public const string Rest = "modules/Rest/RestText";

    private static readonly string[] Files = [Pages, Home, OAuth2Scopes, Fhir, Rest];
    private static readonly ConcurrentDictionary<(string File, string Language), IReadOnlyDictionary<string, string>> Read = new();

    /// <summary>The text of <paramref name="key"/> in <paramref name="file"/> (one of this class's constants), in <paramref name="language"/>.</summary>
    public static string Of(string file, string language, string key, params object[] arguments) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Load(file, language)[key], arguments);

    /// <summary>
    /// English texts that a page in <paramref name="language"/> must not show, because they have a
    /// translation there that differs: the mark of a word left untranslated.
    /// </summary>
    public static IReadOnlyList<string> EnglishOnly(string language) =>
        language == "en" ? [] : Files
            .SelectMany(file => Load(file, "en").Select(english => (english.Value, Translated: Load(file, language).GetValueOrDefault(english.Key))))
            .Where(text => !text.Value.Contains('{', StringComparison.Ordinal) && text.Translated is not null && text.Translated != text.Value)
            .Select(text => text.Value.Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static IReadOnlyDictionary<string, string> Load(string file, string language) => Read.GetOrAdd((file, language), key =>
        XDocument.Load(Path.Combine(Repository.Root, key.File + (key.Language == "en" ? string.Empty : "." + key.Language) + ".resx"))
            .Root!.Elements("data")
            .ToDictionary(data => (string)data.Attribute("name")!, data => (string)data.Element("value")!, StringComparer.Ordinal));
}
