using System.Reflection;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// A fresh copy of an OpenIddict entity holding every stored column (strings and values); navigations
/// stay empty. Read from the type, so a column OpenIddict adds is copied too.
/// </summary>
internal static class StoredColumns<TEntity>
    where TEntity : class, new()
{
    private static readonly PropertyInfo[] Columns = typeof(TEntity).GetProperties()
        .Where(p => p.CanRead && p.CanWrite && (p.PropertyType == typeof(string) || p.PropertyType.IsValueType))
        .ToArray();

    public static TEntity Copy(TEntity entity)
    {
        var copy = new TEntity();
        foreach (var column in Columns)
        {
            column.SetValue(copy, column.GetValue(entity));
        }

        return copy;
    }
}
