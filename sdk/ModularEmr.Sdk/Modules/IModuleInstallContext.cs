using Microsoft.EntityFrameworkCore;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Sdk.Modules;

/// <summary>
/// What a module may change while it is installed or upgraded. All of it shares one database
/// transaction, committed only when the hook returns and the host has recorded the new version.
/// </summary>
public interface IModuleInstallContext
{
    /// <summary>The module being installed.</summary>
    ModuleDescriptor Module { get; }

    /// <summary>Services of the host, in a scope that ends with the install.</summary>
    IServiceProvider Services { get; }

    /// <summary>True when the host seeds demo data; a module may add its own demo records then.</summary>
    bool IsDemo { get; }

    /// <summary>Creates the privilege unless it exists; its description is updated otherwise.</summary>
    Task EnsurePrivilegeAsync(string name, string description, CancellationToken cancellationToken = default);

    /// <summary>Creates the role unless it exists, and grants it the given privileges (which must exist).</summary>
    Task EnsureRoleAsync(string name, string description, IEnumerable<string> privileges, CancellationToken cancellationToken = default);

    /// <summary>Declares an OAuth 2.0 scope that tokens may carry for this module's endpoints.</summary>
    Task DeclareScopeAsync(ScopeDeclaration scope, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the module's own context on the install connection and transaction. The context type
    /// must have been registered with <see cref="ModuleServiceCollectionExtensions.AddModuleDbContext{TContext}"/>.
    /// </summary>
    TContext CreateDbContext<TContext>() where TContext : DbContext;

    /// <summary>Applies the module context's pending migrations inside the install transaction.</summary>
    Task MigrateAsync<TContext>(CancellationToken cancellationToken = default) where TContext : DbContext;
}
