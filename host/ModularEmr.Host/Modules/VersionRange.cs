using System.Diagnostics.CodeAnalysis;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Host.Modules;

/// <summary>
/// A set of versions, written as in npm: comparators joined by spaces, all of which must hold
/// (<c>&gt;=1.0.0 &lt;2.0.0</c>), caret (<c>^1.2.0</c>: same major), tilde (<c>~1.2.0</c>: same minor),
/// a bare version for exactly that one, or <c>*</c> for any. Missing minor or patch parts are 0.
/// </summary>
internal sealed class VersionRange
{
    private readonly IReadOnlyList<(string Operator, SemanticVersion Version)> _comparators;

    private VersionRange(string text, IReadOnlyList<(string, SemanticVersion)> comparators)
    {
        Text = text;
        _comparators = comparators;
    }

    public string Text { get; }

    public bool Includes(SemanticVersion version) => _comparators.All(c => c.Operator switch
    {
        ">=" => version >= c.Version,
        ">" => version > c.Version,
        "<=" => version <= c.Version,
        "<" => version < c.Version,
        _ => version.CompareTo(c.Version) == 0,
    });

    /// <summary>Whether <paramref name="version"/> falls short of the range's lower bound (the range asks for a newer version), rather than passing its upper one.</summary>
    public bool AsksNewerThan(SemanticVersion version) => _comparators.Any(c => c.Operator switch
    {
        ">=" => version < c.Version,
        ">" => version <= c.Version,
        "<=" or "<" => false,
        _ => version < c.Version,
    });

    public static bool TryParse(string? text, [NotNullWhen(true)] out VersionRange? range)
    {
        range = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var comparators = new List<(string, SemanticVersion)>();
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (token == "*")
            {
                continue;
            }

            var op = token switch
            {
                _ when token.StartsWith(">=", StringComparison.Ordinal) => ">=",
                _ when token.StartsWith("<=", StringComparison.Ordinal) => "<=",
                _ when token.StartsWith('>') => ">",
                _ when token.StartsWith('<') => "<",
                _ when token.StartsWith('=') => "=",
                _ when token.StartsWith('^') => "^",
                _ when token.StartsWith('~') => "~",
                _ => "=",
            };
            var versionText = token[(op == "=" && !token.StartsWith('=') ? 0 : op.Length)..];
            if (!TryParsePartial(versionText, out var version))
            {
                return false;
            }

            switch (op)
            {
                case "^":
                    comparators.Add((">=", version));
                    comparators.Add(("<", version.Major > 0
                        ? new SemanticVersion(version.Major + 1, 0, 0)
                        : new SemanticVersion(0, version.Minor + 1, 0)));
                    break;
                case "~":
                    comparators.Add((">=", version));
                    comparators.Add(("<", new SemanticVersion(version.Major, version.Minor + 1, 0)));
                    break;
                default:
                    comparators.Add((op, version));
                    break;
            }
        }

        range = new VersionRange(text.Trim(), comparators);
        return true;
    }

    private static bool TryParsePartial(string text, [NotNullWhen(true)] out SemanticVersion? version)
    {
        var core = text.Split('-', 2)[0].Split('+', 2)[0];
        var missing = 3 - core.Split('.').Length;
        var padded = missing is 1 or 2 ? core + string.Concat(Enumerable.Repeat(".0", missing)) + text[core.Length..] : text;
        return SemanticVersion.TryParse(padded, out version);
    }

    public override string ToString() => Text;
}
