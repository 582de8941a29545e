using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// The search order (sort family, sort given, person id) over rows of <typeparamref name="T"/>: persons,
/// or name candidates that carry their person's sort columns. One definition of the order, the position
/// bounds and the projection to <see cref="PageCursor"/>, bound to each row type's columns.
/// </summary>
internal sealed record SearchOrder<T>(Expression<Func<T, string>> Family, Expression<Func<T, string>> Given, Expression<Func<T, int>> Id)
{
    /// <summary>The positions of <paramref name="rows"/> after (or before) <paramref name="position"/>, in order.</summary>
    public IQueryable<PageCursor> Sorted(IQueryable<T> rows, PageCursor? position, bool forward) =>
        Ordered(rows, position, forward).Select(Bind((f, g, i) => new PageCursor(f, g, i)));

    /// <summary>
    /// The ids of the first <paramref name="count"/> rows after <paramref name="position"/>, for use as a
    /// subquery: the set is the page's, the order is not kept.
    /// </summary>
    public IQueryable<int> First(IQueryable<T> rows, PageCursor? position, int count) => Ordered(rows, position, forward: true).Take(count).Select(Id);

    private IOrderedQueryable<T> Ordered(IQueryable<T> rows, PageCursor? position, bool forward)
    {
        if (position is not null)
        {
            rows = rows.Where(Beyond(position, forward));
        }

        return forward
            ? rows.OrderBy(Family).ThenBy(Given).ThenBy(Id)
            : rows.OrderByDescending(Family).ThenByDescending(Given).ThenByDescending(Id);
    }

    /// <summary>
    /// The rows after (or before) a position. The leading bound on the family column alone is implied by
    /// the rest; it is there so an index range starts at the position instead of the beginning.
    /// </summary>
    private Expression<Func<T, bool>> Beyond(PageCursor position, bool forward)
    {
        var (family, given, id) = (position.Family, position.Given, position.Id);

        // string.Compare is never run in .NET: EF translates it to the database's binary comparison, the
        // order of the index (an ordinal comparison has no translation).
#pragma warning disable CA1309
        Expression<Func<string, string, int, bool>> beyond = forward
            ? (f, g, i) => string.Compare(f, family) >= 0 && (string.Compare(f, family) > 0 ||
                (f == family && (string.Compare(g, given) > 0 || (g == given && i > id))))
            : (f, g, i) => string.Compare(f, family) <= 0 && (string.Compare(f, family) < 0 ||
                (f == family && (string.Compare(g, given) < 0 || (g == given && i < id))));
#pragma warning restore CA1309
        return Bind(beyond);
    }

    /// <summary><paramref name="template"/> applied to this row type's three columns.</summary>
    private Expression<Func<T, TResult>> Bind<TResult>(Expression<Func<string, string, int, TResult>> template)
    {
        var row = Family.Parameters[0];
        var body = ReplacingExpressionVisitor.Replace(template.Parameters[0], Family.Body, template.Body);
        body = ReplacingExpressionVisitor.Replace(template.Parameters[1], ReplacingExpressionVisitor.Replace(Given.Parameters[0], row, Given.Body), body);
        body = ReplacingExpressionVisitor.Replace(template.Parameters[2], ReplacingExpressionVisitor.Replace(Id.Parameters[0], row, Id.Body), body);
        return Expression.Lambda<Func<T, TResult>>(body, row);
    }
}
