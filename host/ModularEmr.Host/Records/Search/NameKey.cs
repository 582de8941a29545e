using System.Globalization;
using System.Text;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// The searchable form of a name part: FHIR string search ignores case and accents (R4 §3.1.1.5.3), and an
/// index can only serve a comparison the stored form already folds. Compatibility decomposition (NFKD) splits
/// accents from their letters and unfolds ligatures and full-width forms; the accents are dropped and the rest
/// lower-cased with the invariant culture, so the key does not depend on the server's language.
/// </summary>
internal static class NameKey
{
    /// <summary>The key of a name part, or null for no part.</summary>
    public static string? Of(string? part)
    {
        if (string.IsNullOrWhiteSpace(part))
        {
            return null;
        }

        var decomposed = part.Trim().Normalize(NormalizationForm.FormKD);
        var key = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark))
            {
                key.Append(char.ToLowerInvariant(c));
            }
        }

        return key.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// The first key after every key that starts with <paramref name="prefix"/>: keys in [prefix, this) are
    /// exactly those starting with it under binary order, which an index range can answer. U+10FFFF is the
    /// greatest code point, so in UTF-8 (SQLite's binary collation) and UTF-16 alike nothing sorts after it.
    /// </summary>
    public static string UpperBound(string prefix) => prefix + char.ConvertFromUtf32(0x10FFFF);
}
