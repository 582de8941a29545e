using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// One page of matching persons in the search order (the stored sort key, then row id), for a bounded
/// number of rows however many match:
/// <list type="bullet">
/// <item>A name criterion drives (<see cref="SearchQuery.Driver"/>): its candidates are read in order from
/// the key indexes, which carry the sort columns, a growing slice at a time, and the other criteria are
/// tested by id on each slice until the page is full.</item>
/// <item>A search that reads its own index (an identifier) sorts its matches.</item>
/// <item>The rest have criteria on the person's columns only (birthdate, gender, none). Their matches are
/// counted up to <see cref="Page{T}.CountLimit"/>: that many or fewer are sorted; more, at least one
/// person in a thousand-odd, and the order's index is read the same way as a driver's candidates.</item>
/// </list>
/// Counting every match is paid only for <see cref="TotalMode.Accurate"/>.
/// </summary>
internal sealed record SearchPage(IReadOnlyList<int> Ids, int Total, bool TotalKnown, bool HasMore, string? NextCursor, string? PreviousCursor)
{
    private const int FirstSlice = 512;
    private const int LargestSlice = 16_384;

    private static readonly SearchOrder<Person> PersonOrder = new(p => p.SortFamily, p => p.SortGiven, p => p.Id);
    private static readonly SearchOrder<NameCandidate> CandidateOrder = new(c => c.Family, c => c.Given, c => c.PersonId);

    /// <param name="everyone">Every person, in whose order the matches are walked.</param>
    /// <param name="matches">The matching persons, unordered.</param>
    /// <param name="offset">Matches to skip, after the cursor if one is given.</param>
    /// <param name="count">Matches to return at most.</param>
    /// <param name="after">Start after this position (a <see cref="NextCursor"/>).</param>
    /// <param name="before">Or end before this one (a <see cref="PreviousCursor"/>).</param>
    /// <param name="total">Whether and how far to count.</param>
    /// <param name="details">
    /// Optional: loads, in the same statement as the matches, the details of the persons a subquery of ids
    /// names, and gives their positions in the search order. Used where a page is read in one sorted
    /// statement (a search on its own index, or few matches), forward from the start or a cursor, so such a
    /// search costs one round trip to the database instead of two. Every id must give a position.
    /// </param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<SearchPage> ReadAsync(
        IQueryable<Person> everyone,
        SearchQuery matches,
        int offset,
        int count,
        string? after,
        string? before,
        TotalMode total,
        Func<IQueryable<int>, CancellationToken, Task<IReadOnlyList<PageCursor>>>? details,
        CancellationToken cancellationToken)
    {
        if (after is not null && before is not null)
        {
            throw new RecordValidationException(
                RecordText.Format("CursorBoth"),
                new Dictionary<string, IReadOnlyList<string>> { [nameof(PatientCriteria.Before)] = [RecordText.Format("CursorBothField")] });
        }

        var forward = before is null;
        var position = after is not null ? PageCursor.Decode(after, nameof(PatientCriteria.After))
            : before is not null ? PageCursor.Decode(before, nameof(PatientCriteria.Before))
            : null;
        var wanted = offset + count + 1;

        // Details are loaded for the rows read, so only where those are the page (and the one row after it).
        async Task<List<PageCursor>> SortedAsync(IQueryable<Person> persons) => forward && offset == 0 && details is not null
            ? [.. await details(PersonOrder.First(persons, position, wanted), cancellationToken)]
            : await PersonOrder.Sorted(persons, position, forward).Take(wanted).ToListAsync(cancellationToken);

        List<PageCursor> rows;
        Func<Task<int?>> estimate;
        if (matches.Driver is { } driver)
        {
            // Candidates fail the other criteria rarely unless a criterion is given with the name, so the
            // first slice is twice the page; it doubles if not.
            rows = await WalkAsync((from, size) => CandidateOrder.Sorted(driver, from, forward).Take(size), matches.Others, position, wanted, Math.Max(2 * wanted, 64), cancellationToken);
            estimate = () => BoundedCountAsync(driver, matches, cancellationToken);
        }
        else if (matches.Indexed)
        {
            rows = await SortedAsync(matches.Matches);
            estimate = () => BoundedAsync(matches.Matches, cancellationToken);
        }
        else
        {
            // Criteria on the person's columns only: the bounded count chooses how to read the page.
            var bounded = await BoundedAsync(matches.Matches, cancellationToken);
            rows = bounded is not null
                ? await SortedAsync(matches.Matches)
                : await WalkAsync((from, size) => PersonOrder.Sorted(everyone, from, forward).Take(size), matches.Matches, position, wanted, FirstSlice, cancellationToken);
            estimate = () => Task.FromResult(bounded);
        }

        // A first page that holds every match is its own count.
        var complete = position is null && rows.Count < wanted;
        var counted = total switch
        {
            TotalMode.None => null,
            _ when complete => rows.Count,
            TotalMode.Accurate => await matches.Matches.CountAsync(cancellationToken),
            _ => await estimate(),
        };

        // One row more than the page tells whether another page follows, without counting.
        var more = rows.Count > offset + count;
        var page = rows.Skip(offset).Take(count).ToList();
        if (!forward)
        {
            page.Reverse();
        }

        // Going back, the position the page ends before is itself a match after it.
        var hasNext = forward ? more : page.Count > 0;
        var hasPrevious = forward ? (after is not null || offset > 0) : more;
        return new SearchPage(
            page.Select(r => r.Id).ToList(),
            counted ?? (forward ? offset : 0) + page.Count + (more ? 1 : 0),
            counted is not null,
            hasNext,
            hasNext && page.Count > 0 ? page[^1].Encode() : null,
            hasPrevious && page.Count > 0 ? page[0].Encode() : null);
    }

    /// <summary>The page as the sdk's <see cref="Page{T}"/> of <paramref name="items"/>.</summary>
    public Page<T> To<T>(IReadOnlyList<T> items) => new(items, Total)
    {
        TotalKnown = TotalKnown,
        HasMore = HasMore,
        NextCursor = NextCursor,
        PreviousCursor = PreviousCursor,
    };

    /// <summary>The positions of <paramref name="persons"/> after (or before) <paramref name="position"/>, in order.</summary>
    internal static IQueryable<PageCursor> Sorted(IQueryable<Person> persons, PageCursor? position, bool forward) => PersonOrder.Sorted(persons, position, forward);

    /// <summary>The positions of name candidates after (or before) <paramref name="position"/>, in order.</summary>
    internal static IQueryable<PageCursor> Sorted(IQueryable<NameCandidate> candidates, PageCursor? position, bool forward) => CandidateOrder.Sorted(candidates, position, forward);

    /// <summary>Which of <paramref name="ids"/> pass the criteria of <paramref name="matches"/>.</summary>
    internal static IQueryable<int> Passing(IQueryable<Person> matches, int[] ids) =>
        // One JSON parameter for the slice, not one SQL variable per id (SQLite allows 32,766).
        matches.Where(p => EF.Parameter(ids).Contains(p.Id)).Select(p => p.Id);

    /// <summary>
    /// The first <paramref name="wanted"/> persons of <paramref name="stream"/> (positions in order) that
    /// pass <paramref name="criteria"/>, reading slices that double, so a rarer criterion costs few more
    /// round trips; a person listed twice (two matching names, next to each other in the order) counts once.
    /// </summary>
    private static async Task<List<PageCursor>> WalkAsync(
        Func<PageCursor?, int, IQueryable<PageCursor>> stream, IQueryable<Person> criteria, PageCursor? position, int wanted, int size, CancellationToken cancellationToken)
    {
        var found = new List<PageCursor>();
        var seen = new HashSet<int>();
        while (true)
        {
            var slice = await stream(position, size).ToListAsync(cancellationToken);
            if (slice.Count == 0)
            {
                return found;
            }

            var passed = (await Passing(criteria, slice.Select(s => s.Id).Distinct().ToArray()).ToListAsync(cancellationToken)).ToHashSet();
            foreach (var candidate in slice.Where(s => passed.Contains(s.Id) && seen.Add(s.Id)))
            {
                found.Add(candidate);
                if (found.Count == wanted)
                {
                    return found;
                }
            }

            if (slice.Count < size)
            {
                return found;
            }

            position = slice[^1];
            size = Math.Min(size * 2, LargestSlice);
        }
    }

    /// <summary>How many persons match, when at most <see cref="Page{T}.CountLimit"/> do; null when more do.</summary>
    private static async Task<int?> BoundedAsync(IQueryable<Person> matches, CancellationToken cancellationToken) =>
        await matches.Take(Page<object>.CountLimit + 1).CountAsync(cancellationToken) is var bounded && bounded <= Page<object>.CountLimit ? bounded : null;

    /// <summary>
    /// How many persons match, when the driver has at most <see cref="Page{T}.CountLimit"/> candidates;
    /// null when it has more. The candidates are counted first, from the key indexes alone and stopping one
    /// past the limit; only when they are that few are they probed for the other criteria, each by primary
    /// key. A name range with more candidates than the limit gives no estimate even if the other criteria
    /// leave fewer matches: probing a thousand candidates cost more than the rest of the page on PostgreSQL
    /// (7.5 ms at a million patients), and <c>_total=accurate</c> counts them all.
    /// </summary>
    private static async Task<int?> BoundedCountAsync(IQueryable<NameCandidate> driver, SearchQuery matches, CancellationToken cancellationToken)
    {
        const int limit = Page<object>.CountLimit;
        if (await driver.Take(limit + 1).CountAsync(cancellationToken) > limit)
        {
            return null;
        }

        return await Passing(driver, matches.Others).Distinct().CountAsync(cancellationToken);
    }

    /// <summary>The person ids of <paramref name="candidates"/> that pass <paramref name="criteria"/>, probed by primary key one candidate at a time.</summary>
    internal static IQueryable<int> Passing(IQueryable<NameCandidate> candidates, IQueryable<Person> criteria) =>
        candidates.Where(c => criteria.Any(p => p.Id == c.PersonId)).Select(c => c.PersonId);
}
