using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Host.Modules;

/// <summary>An install or upgrade of one module: every write goes through one connection and transaction.</summary>
internal sealed class ModuleInstallContext(
    ModuleDescriptor module,
    IServiceProvider services,
    bool isDemo,
    CoreDbContext core,
    DbConnection connection,
    DbTransaction transaction) : IModuleInstallContext
{
    private readonly List<DbContext> _moduleContexts = [];

    public ModuleDescriptor Module { get; } = module;

    public IServiceProvider Services { get; } = services;

    public bool IsDemo { get; } = isDemo;

    public async Task EnsurePrivilegeAsync(string name, string description, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var privilege = await core.Privileges.SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (privilege is null)
        {
            core.Privileges.Add(new Privilege { Name = name, Description = description });
        }
        else
        {
            privilege.Description = description;
        }

        await core.SaveChangesAsync(cancellationToken);
    }

    public async Task EnsureRoleAsync(string name, string description, IEnumerable<string> privileges, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var wanted = privileges.Distinct(StringComparer.Ordinal).ToList();
        var found = await core.Privileges.Where(p => wanted.Contains(p.Name)).ToListAsync(cancellationToken);
        var unknown = wanted.Except(found.Select(p => p.Name), StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"role '{name}' names privileges that do not exist: {string.Join(", ", unknown)} (create them first with EnsurePrivilegeAsync)");
        }

        var role = await core.Roles.Include(r => r.Privileges).SingleOrDefaultAsync(r => r.Name == name, cancellationToken);
        if (role is null)
        {
            role = new Role { Name = name, Description = description };
            core.Roles.Add(role);
        }

        role.Description = description;
        foreach (var privilege in found.Where(p => !role.Privileges.Contains(p)))
        {
            role.Privileges.Add(privilege);
        }

        await core.SaveChangesAsync(cancellationToken);
    }

    public async Task DeclareScopeAsync(ScopeDeclaration scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrWhiteSpace(scope.Name);
        if (scope.Name.Any(c => c is ' ' or '"' or '\\' || char.IsControl(c)))
        {
            // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
            throw new ArgumentException($"scope '{scope.Name}' has a character RFC 6749 §3.3 does not allow", nameof(scope));
        }

        var existing = await core.Scopes.SingleOrDefaultAsync(s => s.Name == scope.Name, cancellationToken);
        if (existing is not null && existing.ModuleId != Module.Id)
        {
            throw new InvalidOperationException($"scope '{scope.Name}' is already declared by module '{existing.ModuleId}'");
        }

        existing ??= core.Scopes.Add(new ScopeDefinition { Name = scope.Name, ModuleId = Module.Id, DisplayName = scope.DisplayName, Description = scope.Description }).Entity;
        existing.DisplayName = scope.DisplayName;
        existing.Description = scope.Description;
        await core.SaveChangesAsync(cancellationToken);
    }

    public TContext CreateDbContext<TContext>() where TContext : DbContext
    {
        // A context of its own on the install connection, never one from the module's pool: a pooled
        // instance would go back to serving requests still pointing at this connection.
        var options = new DbContextOptionsBuilder<TContext>();
        Services.GetRequiredService<EmrDatabaseProvider>().Configure(options, Module.Id, connection);
        var context = ActivatorUtilities.CreateInstance<TContext>(Services, options.Options);
        context.Database.UseTransaction(transaction);
        _moduleContexts.Add(context);
        return context;
    }

    public async Task MigrateAsync<TContext>(CancellationToken cancellationToken = default) where TContext : DbContext
    {
        var context = CreateDbContext<TContext>();

        // EF Core learns whether the history table exists by querying it; on PostgreSQL the failed query of
        // a first install would abort the install transaction. Made first, the table is simply there.
        await context.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await context.Database.MigrateAsync(cancellationToken);
    }
}
