using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>
/// The words the server's pages are made of, read from the repository's <c>.resx</c> files: what a page in
/// a language should say, and the English a page in another language must not show.
/// </summary>
internal static partial class PageWords
{
    public const string Pages = "modules/OAuth2/Pages/PageText";
    public const string Home = "host/ModularEmr.Host/Hosting/Home/HomeText";
    public const string OAuth2Scopes = "modules/OAuth2/Protocol/ScopeText";
    public const string Fhir = "modules/Fhir/FhirText";
    public const string Rest = "modules/Rest/RestText";
    public const string Clients = "modules/OAuth2/Clients/ClientText";
    public const string Records = "host/ModularEmr.Host/Records/RecordText";
    public const string Security = "sdk/ModularEmr.Sdk/Security/SecurityText";

    private static readonly string[] Files = [Pages, Home, OAuth2Scopes, Fhir, Rest, Clients, Records, Security];
    private static readonly ConcurrentDictionary<(string File, string Language), IReadOnlyDictionary<string, string>> Read = new();

    /// <summary>The text of <paramref name="key"/> in <paramref name="file"/> (one of this class's constants), in <paramref name="language"/>.</summary>
    public static string Of(string file, string language, string key, params object[] arguments) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Load(file, language)[key], arguments);

    /// <summary>
    /// English texts that a page in <paramref name="language"/> must not show, because they have a
    /// translation there that differs: the mark of a word left untranslated. A text's arguments ({0})
    /// match anything; a text that is little more than its arguments is left out.
    /// </summary>
    public static IReadOnlyList<EnglishWords> EnglishOnly(string language) => Patterns.GetOrAdd(language, static language =>
        language == "en" ? [] : Files
            .SelectMany(file => Load(file, "en").Select(english => (english.Value, Translated: Load(file, language).GetValueOrDefault(english.Key))))
            .Where(text => text.Translated is not null && text.Translated != text.Value && Argument().Replace(text.Value, string.Empty).Trim().Length >= 8)
            .Select(text => text.Value.Trim())
            .Distinct(StringComparer.Ordinal)
            .Select(text => new EnglishWords(text, string.Join(".+?", Argument().Split(text).Select(Regex.Escape))))
            .ToList());

    private static readonly ConcurrentDictionary<string, IReadOnlyList<EnglishWords>> Patterns = new();

    [GeneratedRegex(@"\{\d+[^}]*\}")]
    private static partial Regex Argument();

    private static IReadOnlyDictionary<string, string> Load(string file, string language) => Read.GetOrAdd((file, language), key =>
        XDocument.Load(Path.Combine(Repository.Root, key.File + (key.Language == "en" ? string.Empty : "." + key.Language) + ".resx"))
            .Root!.Elements("data")
            .ToDictionary(data => (string)data.Attribute("name")!, data => (string)data.Element("value")!, StringComparer.Ordinal));
}
