using System.Linq.Expressions;
using ModularEmr.Host.Data;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// The persons a search matches (<see cref="Matches"/>), and how <see cref="SearchPage"/> can read them
/// in order. The first name criterion (prefix or exact) becomes the <see cref="Driver"/>: its candidates
/// come from the key indexes already carrying the sort columns, and only the other criteria
/// (<see cref="Others"/>) are tested, by id, on the few candidates a page needs. Otherwise a criterion
/// that reads its own index (an identifier, a uuid, <c>:contains</c>) makes the search
/// <see cref="Indexed"/>: its matches are read, then sorted. Criteria on the person's own columns alone
/// (birthdate, gender) may match a large share of the database, which is then read in the order's index.
/// </summary>
internal sealed record SearchQuery(IQueryable<Person> Matches, bool Indexed, IQueryable<Person> Others, IQueryable<NameCandidate>? Driver)
{
    public static SearchQuery Of(IQueryable<Person> persons) => new(persons, false, persons, null);

    /// <summary>A criterion on the person's own columns.</summary>
    public SearchQuery Where(Expression<Func<Person, bool>> criterion) => this with { Matches = Matches.Where(criterion), Others = Others.Where(criterion) };

    /// <summary>A criterion served by its own index.</summary>
    public SearchQuery WhereIndexed(Expression<Func<Person, bool>> criterion) =>
        this with { Matches = Matches.Where(criterion), Others = Others.Where(criterion), Indexed = true };

    /// <summary>A name criterion whose <paramref name="candidates"/> can drive the search, unless another already does.</summary>
    public SearchQuery WhereNamed(IQueryable<NameCandidate> candidates, Expression<Func<Person, bool>> criterion) => Driver is null
        ? this with { Matches = Matches.Where(criterion), Indexed = true, Driver = candidates }
        : WhereIndexed(criterion);
}
