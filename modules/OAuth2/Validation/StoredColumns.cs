using System.Linq.Expressions;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// A fresh copy of an OpenIddict entity holding every stored column (strings and values); navigations
/// stay empty. Read from the type, so a column OpenIddict adds is copied too; compiled once, because the
/// token endpoint copies on every request.
/// </summary>
internal static class StoredColumns<TEntity>
    where TEntity : class, new()
{
    private static readonly Func<TEntity, TEntity> Copier = Compile();

    public static TEntity Copy(TEntity entity) => Copier(entity);

    private static Func<TEntity, TEntity> Compile()
    {
        var source = Expression.Parameter(typeof(TEntity), "source");
        var columns = typeof(TEntity).GetProperties()
            .Where(p => p.CanRead && p.CanWrite && (p.PropertyType == typeof(string) || p.PropertyType.IsValueType))
            .Select(p => Expression.Bind(p, Expression.Property(source, p)));
        return Expression.Lambda<Func<TEntity, TEntity>>(Expression.MemberInit(Expression.New(typeof(TEntity)), columns), source).Compile();
    }
}
