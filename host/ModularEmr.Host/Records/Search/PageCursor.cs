using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// A position in the search order (sort family, sort given, row id), carried opaquely in next and previous
/// links: a page that starts after a position is found by an index range, however deep, and rows added or
/// removed before it neither repeat nor skip a match.
/// </summary>
internal sealed record PageCursor(string Family, string Given, int Id)
{
    private const char Separator = '\u001f';

    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Family}{Separator}{Given}{Separator}{Id.ToString(CultureInfo.InvariantCulture)}"));

    /// <exception cref="RecordValidationException">The text is not a cursor this server made.</exception>
    public static PageCursor Decode(string text, string field)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(Separator);
            if (parts.Length == 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return new PageCursor(parts[0], parts[1], id);
            }
        }
        catch (FormatException)
        {
            // Answered below, as any other malformed cursor.
        }

        throw new RecordValidationException(
            RecordText.Format("CursorForeign"),
            new Dictionary<string, IReadOnlyList<string>> { [field] = [RecordText.Format("CursorForeignField")] });
    }
}
