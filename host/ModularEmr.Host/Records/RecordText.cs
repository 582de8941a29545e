using System.Globalization;
using System.Resources;

namespace ModularEmr.Host.Records;

/// <summary>
/// The records' refusals, in <c>RecordText.resx</c> (English), <c>.fr</c> and <c>.es</c>. They are thrown
/// from rules deep inside a write (a name's check, a page cursor's decoding), so each is written where it
/// is thrown, in the request's UI culture (<c>Accept-Language</c>, chosen by the host per request), as .NET
/// writes its own exception messages; the FHIR and REST modules pass them on in their error bodies.
/// </summary>
internal static class RecordText
{
    private static readonly ResourceManager Resources = new(typeof(RecordText).FullName!, typeof(RecordText).Assembly);

    /// <summary>The text of <paramref name="key"/> in the current request's language.</summary>
    public static string Format(string key, params object[] arguments) => In(CultureInfo.CurrentUICulture, key, arguments);

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/>: for the write loop, which answers units of several requests.</summary>
    public static string In(CultureInfo language, string key, params object[] arguments) =>
        string.Format(CultureInfo.InvariantCulture, Resources.GetString(key, language) ?? key, arguments);
}
