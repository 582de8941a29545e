using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ModularEmr.Host.Modules;

/// <summary>
/// A module's tables exist only through its migrations, which its install applies. A DbContext without any
/// would install "successfully" and then fail every request with "no such table", and a migration added
/// afterwards would wait for the next version; so such a module is refused at start, saying what to add.
/// </summary>
internal static class ModuleMigrationCheck
{
    /// <summary>The module's own DbContexts among the services it registered.</summary>
    public static IReadOnlyList<Type> Contexts(Assembly moduleAssembly, IEnumerable<ServiceDescriptor> registered) => registered
        .Select(descriptor => descriptor.ServiceType)
        .Where(type => typeof(DbContext).IsAssignableFrom(type) && type.Assembly == moduleAssembly)
        .Distinct()
        .ToList();

    /// <summary>The module's DbContexts, among the services it registered, for which its assembly holds no migration.</summary>
    public static IReadOnlyList<Type> WithoutMigrations(Assembly moduleAssembly, IEnumerable<ServiceDescriptor> registered)
    {
        ArgumentNullException.ThrowIfNull(moduleAssembly);
        return WithoutMigrations(moduleAssembly, Contexts(moduleAssembly, registered));
    }

    private static List<Type> WithoutMigrations(Assembly moduleAssembly, IReadOnlyList<Type> contexts)
    {
        if (contexts.Count == 0)
        {
            return [];
        }

        var migrated = Types(moduleAssembly)
            .Where(type => typeof(Migration).IsAssignableFrom(type) && !type.IsAbstract)
            .Select(type => type.GetCustomAttribute<DbContextAttribute>()?.ContextType)
            .OfType<Type>()
            .ToHashSet();
        return contexts.Where(context => !migrated.Contains(context)).ToList();
    }

    /// <summary>Refuses a module context without migrations, and remembers the module's contexts (<see cref="LoadedModule.DbContexts"/>).</summary>
    public static void Require(LoadedModule module, IEnumerable<ServiceDescriptor> registered)
    {
        var assembly = module.Instance.GetType().Assembly;
        module.DbContexts = Contexts(assembly, registered);
        if (WithoutMigrations(assembly, module.DbContexts) is [var context, ..])
        {
            throw new ModuleConfigurationException(module.Catalog.ManifestFile, module.Id,
                $"its DbContext {context.Name} has no migration, so its tables would never be created: add one ('dotnet ef migrations add Initial --context {context.Name}') and apply it in InstallAsync with context.MigrateAsync<{context.Name}>()");
        }
    }

    private static IEnumerable<Type> Types(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException partly)
        {
            return partly.Types.OfType<Type>();
        }
    }
}
