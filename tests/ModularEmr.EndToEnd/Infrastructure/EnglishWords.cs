using System.Text.RegularExpressions;

namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>An English text of the server's resources, as patterns: a whole line of a page, or words inside one.</summary>
internal sealed class EnglishWords(string text, string pattern)
{
    private readonly Regex _line = new($"^(?:{pattern})$", RegexOptions.CultureInvariant);
    private readonly Regex _inside = new(pattern, RegexOptions.CultureInvariant);

    public string Text { get; } = text;

    /// <summary>Whether <paramref name="line"/> is this text (its arguments filled in).</summary>
    public bool IsLine(string line) => _line.IsMatch(line);

    /// <summary>Whether <paramref name="page"/> holds this text; only for long texts, which no other words contain by chance.</summary>
    public bool IsInside(string page) => Text.Length >= 20 && _inside.IsMatch(page);
}
