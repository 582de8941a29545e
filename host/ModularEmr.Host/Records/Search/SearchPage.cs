using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// One page of matching persons in the search order (the stored sort key, then row id). The matches are
/// first counted up to <see cref="Page{T}.CountLimit"/>. When a criterion reads its own index (a name, an
/// identifier) or there are at most that many, the page is the matches sorted, which costs their number.
/// Otherwise the criteria are on the person's columns only (birthdate, gender, none) and match more than
/// one person in a thousand-odd, so the page is found by reading the order's index from the position on,
/// a growing slice at a time, keeping those that pass: a bounded number of rows, never a sort of a
/// million. Counting every match is paid only for <see cref="TotalMode.Accurate"/>.
/// </summary>
internal sealed record SearchPage(IReadOnlyList<int> Ids, int Total, bool TotalKnown, bool HasMore, string? NextCursor, string? PreviousCursor)
{
    private const int FirstSlice = 512;
    private const int LargestSlice = 16_384;

    /// <param name="everyone">Every person, in whose order the matches are walked.</param>
    /// <param name="matches">The matching persons, unordered.</param>
    /// <param name="offset">Matches to skip, after the cursor if one is given.</param>
    /// <param name="count">Matches to return at most.</param>
    /// <param name="after">Start after this position (a <see cref="NextCursor"/>).</param>
    /// <param name="before">Or end before this one (a <see cref="PreviousCursor"/>).</param>
    /// <param name="total">Whether and how far to count.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<SearchPage> ReadAsync(
        IQueryable<Person> everyone, SearchQuery matches, int offset, int count, string? after, string? before, TotalMode total, CancellationToken cancellationToken)
    {
        if (after is not null && before is not null)
        {
            throw new RecordValidationException(
                "A page is either after a position or before one, not both.",
                new Dictionary<string, IReadOnlyList<string>> { [nameof(PatientCriteria.Before)] = ["give either a position to start after or one to end before"] });
        }

        var forward = before is null;
        var position = after is not null ? PageCursor.Decode(after, nameof(PatientCriteria.After))
            : before is not null ? PageCursor.Decode(before, nameof(PatientCriteria.Before))
            : null;

        // The bounded count chooses how to read the page and gives small totals; an indexed search that asks
        // for no total is read the same way whatever the count, so it is spared the query.
        var bounded = matches.Indexed && total == TotalMode.None
            ? 0
            : await matches.Matches.Take(Page<object>.CountLimit + 1).CountAsync(cancellationToken);
        var few = bounded <= Page<object>.CountLimit;
        int? counted = total switch
        {
            TotalMode.None => null,
            _ when few => bounded,
            TotalMode.Accurate => await matches.Matches.CountAsync(cancellationToken),
            _ => null,
        };

        var wanted = offset + count + 1;
        var rows = few || matches.Indexed
            ? await Sorted(matches.Matches, position, forward).Take(wanted).ToListAsync(cancellationToken)
            : await WalkAsync(everyone, matches.Matches, position, forward, wanted, cancellationToken);

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

    /// <summary>
    /// The first <paramref name="wanted"/> matches in order, reading slices of the order's index (covering, so
    /// no row is fetched) and testing each slice's persons by id. Slices double, so a rarer criterion costs
    /// few more round trips; they stop at the end of the index.
    /// </summary>
    private static async Task<List<PageCursor>> WalkAsync(
        IQueryable<Person> everyone, IQueryable<Person> probed, PageCursor? position, bool forward, int wanted, CancellationToken cancellationToken)
    {
        var found = new List<PageCursor>();
        var size = FirstSlice;
        while (true)
        {
            var slice = await Sorted(everyone, position, forward).Take(size).ToListAsync(cancellationToken);
            if (slice.Count == 0)
            {
                return found;
            }

            var passed = (await Passing(probed, slice.Select(s => s.Id).ToArray()).ToListAsync(cancellationToken)).ToHashSet();
            foreach (var candidate in slice.Where(s => passed.Contains(s.Id)))
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

    /// <summary>The positions of <paramref name="persons"/> after (or before) <paramref name="position"/>, in order.</summary>
    internal static IQueryable<PageCursor> Sorted(IQueryable<Person> persons, PageCursor? position, bool forward)
    {
        persons = From(persons, position, forward);
        var ordered = forward
            ? persons.OrderBy(p => p.SortFamily).ThenBy(p => p.SortGiven).ThenBy(p => p.Id)
            : persons.OrderByDescending(p => p.SortFamily).ThenByDescending(p => p.SortGiven).ThenByDescending(p => p.Id);
        return ordered.Select(p => new PageCursor(p.SortFamily, p.SortGiven, p.Id));
    }

    /// <summary>Which of <paramref name="ids"/> pass the criteria of <paramref name="matches"/>.</summary>
    internal static IQueryable<int> Passing(IQueryable<Person> matches, int[] ids) =>
        // One JSON parameter for the slice, not one SQL variable per id (SQLite allows 32,766).
        matches.Where(p => EF.Parameter(ids).Contains(p.Id)).Select(p => p.Id);

    /// <summary>
    /// The persons after (or before) a position in the order. The leading bound on the family key alone is
    /// implied by the rest; it is there so the index range starts at the position instead of the beginning.
    /// </summary>
    private static IQueryable<Person> From(IQueryable<Person> persons, PageCursor? position, bool forward)
    {
        if (position is null)
        {
            return persons;
        }

        var (family, given, id) = (position.Family, position.Given, position.Id);

        // string.Compare is never run in .NET: EF translates it to the database's binary comparison, the
        // order of the index (an ordinal comparison has no translation).
#pragma warning disable CA1309
        Expression<Func<Person, bool>> beyond = forward
            ? p => string.Compare(p.SortFamily, family) >= 0 && (string.Compare(p.SortFamily, family) > 0 ||
                (p.SortFamily == family && (string.Compare(p.SortGiven, given) > 0 || (p.SortGiven == given && p.Id > id))))
            : p => string.Compare(p.SortFamily, family) <= 0 && (string.Compare(p.SortFamily, family) < 0 ||
                (p.SortFamily == family && (string.Compare(p.SortGiven, given) < 0 || (p.SortGiven == given && p.Id < id))));
#pragma warning restore CA1309
        return persons.Where(beyond);
    }
}
