using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records;

/// <summary>Name search shared by persons and patients: every word must start some part of a non-voided name.</summary>
internal static class RecordSearch
{
    public static IQueryable<Person> ByName(IQueryable<Person> persons, RecordQuery query)
    {
        if (!query.IncludeVoided)
        {
            persons = persons.Where(p => !p.Voided);
        }

        foreach (var word in Words(query.Text))
        {
            var pattern = Escape(word) + "%";
            persons = persons.Where(p => p.Names.Any(n => !n.Voided && (
                EF.Functions.Like(n.GivenName!, pattern, "\\") ||
                EF.Functions.Like(n.MiddleName!, pattern, "\\") ||
                EF.Functions.Like(n.FamilyName!, pattern, "\\") ||
                EF.Functions.Like(n.FamilyName2!, pattern, "\\"))));
        }

        return persons;
    }

    public static IOrderedQueryable<Person> OrderByName(IQueryable<Person> persons) => persons
        .OrderBy(p => p.Names.Where(n => n.Preferred && !n.Voided).Select(n => n.FamilyName).FirstOrDefault())
        .ThenBy(p => p.Names.Where(n => n.Preferred && !n.Voided).Select(n => n.GivenName).FirstOrDefault())
        .ThenBy(p => p.Id);

    public static IEnumerable<string> Words(string? text) =>
        (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>LIKE wildcards in the user's text are matched literally.</summary>
    public static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
