using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Modules.Fhir.Patients;

/// <summary>The Patient search parameters this server supports (FHIR R4 §3.1.1), read into core criteria.</summary>
public static class PatientSearch
{
    public const int DefaultCount = 10;
    public const int MaxCount = 100;

    /// <summary>Parameter name, FHIR search type, description — also what the CapabilityStatement lists.</summary>
    public static readonly IReadOnlyList<(string Name, string Type, string Description)> Supported =
    [
        ("_id", "token", "The patient's id (uuid)"),
        ("identifier", "token", "An identifier: value, or system|value"),
        ("name", "string", "Start of any part of a name, ignoring case and accents; :exact for the whole part as written, :contains for anywhere"),
        ("family", "string", "Start of a family name, ignoring case and accents; :exact and :contains as for name"),
        ("given", "string", "Start of a given or middle name, ignoring case and accents; :exact and :contains as for name"),
        ("birthdate", "date", "Date of birth, with prefixes eq, lt, gt, le, ge"),
        ("gender", "token", "male | female | other | unknown"),
    ];

    /// <summary>Formatting switches: read by the response writer, not by the search.</summary>
    private static readonly HashSet<string> Control = ["_format", "_pretty"];

    /// <summary>The parameters that carry a page position in next and previous links (opaque to clients).</summary>
    public const string After = "_after";

    /// <inheritdoc cref="After"/>
    public const string Before = "_before";

    /// <summary>
    /// <c>_total</c> when the search does not say: the total is given when there are at most
    /// <see cref="Page{T}.CountLimit"/> matches, and left out rather than paid for with a scan of millions.
    /// </summary>
    public const TotalMode DefaultTotal = TotalMode.Estimate;

    public sealed record Parsed(PatientCriteria Criteria, IReadOnlyList<string> Unknown, IReadOnlyList<string> Problems);

    public static Parsed Parse(IQueryCollection query, IStringLocalizer<FhirText> text)
    {
        var criteria = new PatientCriteria { Count = DefaultCount, Total = DefaultTotal };
        var unknown = new List<string>();
        var problems = new List<string>();
        foreach (var (parameter, values) in query)
        {
            var value = values.ToString();
            var colon = parameter.IndexOf(':', StringComparison.Ordinal);
            var key = colon < 0 ? parameter : parameter[..colon];
            var modifier = colon < 0 ? null : parameter[(colon + 1)..];
            var match = modifier switch
            {
                null => StringMatch.Prefix,
                "exact" when key is "name" or "family" or "given" => StringMatch.Exact,
                "contains" when key is "name" or "family" or "given" => StringMatch.Contains,
                _ => (StringMatch?)null,
            };
            if (match is null)
            {
                if (Supported.Any(p => p.Name == key))
                {
                    problems.Add(text["SearchModifier", parameter, modifier ?? string.Empty, key]);
                }
                else
                {
                    unknown.Add(parameter);
                }

                continue;
            }

            switch (key)
            {
                case "_id":
                    var ids = value.Split(',').Select(v => Guid.TryParse(v, out var id) ? (Guid?)id : null).ToList();
                    if (ids.Any(id => id is null))
                    {
                        // An id that is no uuid matches nothing, as an unknown id would.
                        ids = ids.Where(id => id is not null).ToList();
                    }

                    criteria = criteria with { Uuids = ids.Select(id => id!.Value).ToList() };
                    break;
                case "identifier":
                    var bar = value.IndexOf('|', StringComparison.Ordinal);
                    criteria = bar < 0
                        ? criteria with { IdentifierValue = value }
                        : criteria with { IdentifierSystem = bar == 0 ? null : value[..bar], IdentifierValue = value[(bar + 1)..] };
                    break;
                case "name":
                    criteria = criteria with { Name = value, NameMatch = match.Value };
                    break;
                case "family":
                    criteria = criteria with { Family = value, FamilyMatch = match.Value };
                    break;
                case "given":
                    criteria = criteria with { Given = value, GivenMatch = match.Value };
                    break;
                case "gender":
                    var gender = value switch { "male" => "M", "female" => "F", "other" => "O", "unknown" => "U", _ => null };
                    if (gender is null)
                    {
                        problems.Add(text["SearchGender", value]);
                    }

                    criteria = criteria with { Gender = gender };
                    break;
                case "birthdate":
                    foreach (var one in values)
                    {
                        if (!TryApplyDate(one ?? string.Empty, ref criteria))
                        {
                            problems.Add(text["SearchBirthdate", one ?? string.Empty]);
                        }
                    }

                    break;
                case "_count":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 0)
                    {
                        problems.Add(text["SearchNumber", "_count", value]);
                    }

                    criteria = criteria with { Count = Math.Min(count, MaxCount) };
                    break;
                case "_offset":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
                    {
                        problems.Add(text["SearchNumber", "_offset", value]);
                    }

                    criteria = criteria with { Offset = offset };
                    break;
                case "_total":
                    TotalMode? total = value switch { "none" => TotalMode.None, "estimate" => TotalMode.Estimate, "accurate" => TotalMode.Accurate, _ => null };
                    if (total is null)
                    {
                        problems.Add(text["SearchTotal", value]);
                    }

                    criteria = criteria with { Total = total ?? DefaultTotal };
                    break;
                case After:
                    criteria = criteria with { After = value };
                    break;
                case Before:
                    criteria = criteria with { Before = value };
                    break;
                default:
                    if (!Control.Contains(key))
                    {
                        unknown.Add(key);
                    }

                    break;
            }
        }

        return new Parsed(criteria, unknown, problems);
    }

    /// <summary>A FHIR date (yyyy, yyyy-MM or yyyy-MM-dd) is a range; the prefix says how it bounds the search.</summary>
    private static bool TryApplyDate(string text, ref PatientCriteria criteria)
    {
        var prefixed = text.Length > 2 && char.IsAsciiLetter(text[0]);
        var prefix = prefixed ? text[..2] : "eq";
        var date = prefixed ? text[2..] : text;
        DateOnly start;
        DateOnly end;
        switch (date.Length)
        {
            case 4 when int.TryParse(date, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year > 0:
                start = new DateOnly(year, 1, 1);
                end = new DateOnly(year, 12, 31);
                break;
            case 7 when DateOnly.TryParseExact(date + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month):
                start = month;
                end = month.AddMonths(1).AddDays(-1);
                break;
            case 10 when DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day):
                start = end = day;
                break;
            default:
                return false;
        }

        switch (prefix)
        {
            case "eq":
                criteria = criteria with { BornOnOrAfter = Later(criteria.BornOnOrAfter, start), BornOnOrBefore = Earlier(criteria.BornOnOrBefore, end) };
                return true;
            case "ge":
                criteria = criteria with { BornOnOrAfter = Later(criteria.BornOnOrAfter, start) };
                return true;
            case "gt":
                criteria = criteria with { BornOnOrAfter = Later(criteria.BornOnOrAfter, end.AddDays(1)) };
                return true;
            case "le":
                criteria = criteria with { BornOnOrBefore = Earlier(criteria.BornOnOrBefore, end) };
                return true;
            case "lt":
                criteria = criteria with { BornOnOrBefore = Earlier(criteria.BornOnOrBefore, start.AddDays(-1)) };
                return true;
            default:
                return false;
        }

        static DateOnly Later(DateOnly? a, DateOnly b) => a is { } x && x > b ? x : b;
        static DateOnly Earlier(DateOnly? a, DateOnly b) => a is { } x && x < b ? x : b;
    }
}
