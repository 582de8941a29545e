using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// Name search shared by persons and patients. Every criterion is a set of person ids read from an index
/// (a range of name keys, one per name column, unioned), which the outer query probes by primary key; no
/// criterion is a correlated subquery run once per person.
/// </summary>
internal static class RecordSearch
{
    /// <summary>Persons for whom every word of <paramref name="text"/> starts some part of a live name (OpenMRS <c>q</c>, FHIR <c>name</c>).</summary>
    public static IQueryable<Person> ByWords(CoreDbContext db, IQueryable<Person> persons, string? text)
    {
        foreach (var word in Words(text))
        {
            var ids = Named(db, word, NamePart.Any, StringMatch.Prefix);
            persons = persons.Where(p => ids.Contains(p.Id));
        }

        return persons;
    }

    /// <summary>The ids of persons with a live name whose <paramref name="part"/> matches <paramref name="text"/>.</summary>
    public static IQueryable<int> Named(CoreDbContext db, string text, NamePart part, StringMatch match)
    {
        var names = db.PersonNames.AsNoTracking();
        IQueryable<int> Column(Expression<Func<PersonName, string?>> key, Expression<Func<PersonName, string?>> stored) =>
            names.Where(Matches(key, stored, text, match)).Select(n => n.PersonId);

        var family = Column(n => n.FamilyKey, n => n.FamilyName).Union(Column(n => n.Family2Key, n => n.FamilyName2));
        var given = Column(n => n.GivenKey, n => n.GivenName).Union(Column(n => n.MiddleKey, n => n.MiddleName));
        return part switch
        {
            NamePart.Family => family,
            NamePart.Given => given,
            _ => family.Union(given),
        };
    }

    public static IEnumerable<string> Words(string? text) =>
        (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The test of one name column. A prefix is a range of keys, [key, key + U+10FFFF), which the column's
    /// index answers; LIKE would not be, as SQLite's LIKE ignores ASCII case and so cannot use a binary index.
    /// </summary>
    private static Expression<Func<PersonName, bool>> Matches(
        Expression<Func<PersonName, string?>> key, Expression<Func<PersonName, string?>> stored, string text, StringMatch match)
    {
        var folded = NameKey.Of(text) ?? string.Empty;
        var upper = NameKey.UpperBound(folded);
        var anywhere = "%" + Escape(folded) + "%";
        Expression<Func<string?, string?, bool>> test = match switch
        {
            // The key finds the candidates through the index; the stored part must then be the text exactly.
            StringMatch.Exact => (k, s) => k == folded && s == text,
            StringMatch.Contains => (k, s) => EF.Functions.Like(k!, anywhere, "\\"),

            // Translated to SQL's binary comparison, never run in .NET (an ordinal comparison has no translation).
#pragma warning disable CA1309
            _ => (k, s) => string.Compare(k, folded) >= 0 && string.Compare(k, upper) < 0,
#pragma warning restore CA1309
        };

        var name = key.Parameters[0];
        var body = ReplacingExpressionVisitor.Replace(test.Parameters[0], key.Body, test.Body);
        body = ReplacingExpressionVisitor.Replace(test.Parameters[1], ReplacingExpressionVisitor.Replace(stored.Parameters[0], name, stored.Body), body);
        return Expression.Lambda<Func<PersonName, bool>>(body, name);
    }

    /// <summary>LIKE wildcards in the user's text are matched literally.</summary>
    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
