using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// Name and identifier criteria shared by persons and patients: each is a set of person ids read from an
/// index (a range of name keys per name column, unioned; an identifier), which the outer query probes by
/// primary key. None is a correlated subquery run once for every person in the database.
/// </summary>
internal static class RecordSearch
{
    /// <summary>Every word of <paramref name="text"/> starts some part of a live name (OpenMRS <c>q</c>, FHIR <c>name</c>).</summary>
    public static SearchQuery ByWords(CoreDbContext db, SearchQuery query, string? text)
    {
        foreach (var word in Words(text))
        {
            query = Named(db, query, word, NamePart.Any, StringMatch.Prefix);
        }

        return query;
    }

    /// <summary>A live name's <paramref name="part"/> matches <paramref name="text"/>.</summary>
    public static SearchQuery Named(CoreDbContext db, SearchQuery query, string text, NamePart part, StringMatch match)
    {
        var candidates = Candidates(db, text, part, match);
        var ids = candidates.Select(c => c.PersonId);

        // :contains reads every key (no index range), so it never drives: it is tested on what others found.
        return match == StringMatch.Contains
            ? query.WhereIndexed(p => ids.Contains(p.Id))
            : query.WhereNamed(candidates, p => ids.Contains(p.Id));
    }

    /// <summary>The patient has <paramref name="value"/> as a live identifier (of <paramref name="system"/>, if given).</summary>
    public static SearchQuery Identified(CoreDbContext db, SearchQuery query, string value, string? system)
    {
        var identifiers = db.PatientIdentifiers.Where(i => i.Identifier == value && !i.Voided);
        if (system is not null)
        {
            identifiers = identifiers.Where(i => i.IdentifierType.SystemUri == system);
        }

        var ids = identifiers.Select(i => i.PatientId);
        return query.WhereIndexed(p => ids.Contains(p.Id));
    }

    /// <summary>OpenMRS's patient search: every word starts a name part, or the whole text is a live identifier.</summary>
    public static async Task<SearchQuery> NamedOrIdentifiedAsync(CoreDbContext db, SearchQuery query, string text, CancellationToken cancellationToken)
    {
        // The usual case, one name and no identifier like it (one probe of the identifier index), is a
        // name search, which its candidates can drive.
        if (Words(text).Count() == 1 && !await db.PatientIdentifiers.AnyAsync(i => i.Identifier == text && !i.Voided, cancellationToken))
        {
            return Named(db, query, text, NamePart.Any, StringMatch.Prefix);
        }

        var byName = ByWords(db, SearchQuery.Of(db.Persons), text).Matches.Select(p => p.Id);
        var byIdentifier = db.PatientIdentifiers.Where(i => i.Identifier == text && !i.Voided).Select(i => i.PatientId);
        var either = byName.Union(byIdentifier);
        return query.WhereIndexed(p => either.Contains(p.Id));
    }

    public static IEnumerable<string> Words(string? text) =>
        (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The live names whose <paramref name="part"/> matches, one index range per name column, as the person
    /// and sort columns that index carries. A person with two matching names appears twice.
    /// </summary>
    private static IQueryable<NameCandidate> Candidates(CoreDbContext db, string text, NamePart part, StringMatch match)
    {
        var names = db.PersonNames.AsNoTracking();
        IQueryable<NameCandidate> Column(Expression<Func<PersonName, string?>> key, Expression<Func<PersonName, string?>> stored) =>
            names.Where(Matches(key, stored, text, match))
                .Select(n => new NameCandidate { Family = n.PersonSortFamily, Given = n.PersonSortGiven, PersonId = n.PersonId });

        var family = Column(n => n.FamilyKey, n => n.FamilyName).Concat(Column(n => n.Family2Key, n => n.FamilyName2));
        var given = Column(n => n.GivenKey, n => n.GivenName).Concat(Column(n => n.MiddleKey, n => n.MiddleName));
        return part switch
        {
            NamePart.Family => family,
            NamePart.Given => given,
            _ => family.Concat(given),
        };
    }

    /// <summary>
    /// The test of one name column. A prefix is a range of keys, [key, key + U+10FFFF),
    /// which the column's index answers; LIKE would not be, as SQLite's LIKE ignores ASCII case and so cannot
    /// use a binary index. Keys are null on voided names, so no test passes a voided name.
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

        // test(key(n), stored(n)), as one expression EF can translate.
        var name = key.Parameters[0];
        var body = ReplacingExpressionVisitor.Replace(test.Parameters[0], key.Body, test.Body);
        body = ReplacingExpressionVisitor.Replace(test.Parameters[1], ReplacingExpressionVisitor.Replace(stored.Parameters[0], name, stored.Body), body);
        return Expression.Lambda<Func<PersonName, bool>>(body, name);
    }

    /// <summary>LIKE wildcards in the user's text are matched literally.</summary>
    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
