using System.Linq.Expressions;
using ModularEmr.Host.Data;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// The persons a search matches, and whether a criterion reads its own index (a name key range, an
/// identifier, a uuid). Such a criterion drives the query: its matches are read, then sorted.
/// Criteria on the person's own columns alone (birthdate, gender) may match a large share of the
/// database, which <see cref="SearchPage"/> then reads in the order's index instead of sorting.
/// </summary>
internal sealed record SearchQuery(IQueryable<Person> Matches, bool Indexed)
{
    public static SearchQuery Of(IQueryable<Person> persons) => new(persons, false);

    /// <summary>A criterion on the person's own columns.</summary>
    public SearchQuery Where(Expression<Func<Person, bool>> criterion) => this with { Matches = Matches.Where(criterion) };

    /// <summary>A criterion served by its own index, which then drives the query.</summary>
    public SearchQuery WhereIndexed(Expression<Func<Person, bool>> criterion) => new(Matches.Where(criterion), true);
}
