using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// One page of matching persons in the search order, read from the stored sort key's index: a page costs
/// its own rows, not a sort of every match. Counting every match is the only cost that grows with them,
/// and it is paid only when <see cref="TotalMode.Accurate"/> asks for it.
/// </summary>
internal sealed record SearchPage(IReadOnlyList<int> Ids, int Total, bool TotalKnown, bool HasMore, string? NextCursor, string? PreviousCursor)
{
    /// <param name="matches">The matching persons, unordered.</param>
    /// <param name="offset">Matches to skip, after the cursor if one is given.</param>
    /// <param name="count">Matches to return at most.</param>
    /// <param name="after">Start after this position (a <see cref="NextCursor"/>).</param>
    /// <param name="before">Or end before this one (a <see cref="PreviousCursor"/>).</param>
    /// <param name="total">Whether and how far to count.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<SearchPage> ReadAsync(
        IQueryable<Person> matches, int offset, int count, string? after, string? before, TotalMode total, CancellationToken cancellationToken)
    {
        var forward = before is null;
        var position = matches;

        // string.Compare here is never run in .NET: EF translates it to the database's binary comparison, the
        // order of the index (an ordinal comparison has no translation).
#pragma warning disable CA1309
        if (after is not null)
        {
            var from = PageCursor.Decode(after, "_cursor");
            position = position.Where(p => string.Compare(p.SortFamily, from.Family) >= 0 && (string.Compare(p.SortFamily, from.Family) > 0 ||
                (p.SortFamily == from.Family && (string.Compare(p.SortGiven, from.Given) > 0 || (p.SortGiven == from.Given && p.Id > from.Id)))));
        }

        if (before is not null)
        {
            var to = PageCursor.Decode(before, "_cursor");
            position = position.Where(p => string.Compare(p.SortFamily, to.Family) <= 0 && (string.Compare(p.SortFamily, to.Family) < 0 ||
                (p.SortFamily == to.Family && (string.Compare(p.SortGiven, to.Given) < 0 || (p.SortGiven == to.Given && p.Id < to.Id)))));
        }

#pragma warning restore CA1309
        var ordered = forward
            ? position.OrderBy(p => p.SortFamily).ThenBy(p => p.SortGiven).ThenBy(p => p.Id)
            : position.OrderByDescending(p => p.SortFamily).ThenByDescending(p => p.SortGiven).ThenByDescending(p => p.Id);

        // One row more than the page tells whether another page follows, without counting.
        var rows = await ordered.Skip(offset).Take(count + 1)
            .Select(p => new PageCursor(p.SortFamily, p.SortGiven, p.Id))
            .ToListAsync(cancellationToken);
        var more = rows.Count > count;
        var page = rows.Take(count).ToList();
        if (!forward)
        {
            page.Reverse();
        }

        int? counted = total switch
        {
            TotalMode.Accurate => await matches.CountAsync(cancellationToken),
            TotalMode.Estimate => await matches.Take(Page<object>.CountLimit + 1).CountAsync(cancellationToken) is var bounded && bounded <= Page<object>.CountLimit ? bounded : null,
            _ => null,
        };

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
}
