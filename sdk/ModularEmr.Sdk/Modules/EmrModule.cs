using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ModularEmr.Sdk.Modules;

/// <summary>
/// The entry point of a module. The host finds the one public, non-abstract subclass in a module's
/// assembly, creates it with its parameterless constructor and calls the hooks below in this order:
/// <see cref="ConfigureServices"/> (every start), <see cref="InstallAsync"/> (once, the first time this
/// module is seen) or <see cref="UpgradeAsync"/> (once per raised version), <see cref="SeedDemoDataAsync"/> (demo hosts only),
/// <see cref="ConfigureMiddleware"/>,
/// <see cref="MapEndpoints"/>, then <see cref="StartedAsync"/> and, at shutdown, <see cref="StoppingAsync"/>.
/// Every hook and every request to the module's endpoints runs inside the module's own load context
/// for reflection, so libraries that call <c>Assembly.Load</c> find the module's dependencies.
/// </summary>
public abstract class EmrModule
{
    /// <summary>Registers the module's services in the host's container. Runs on every start.</summary>
    public virtual void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
    }

    /// <summary>
    /// Runs once, when the host first starts with this module enabled: create tables, privileges, roles
    /// and scopes here. Everything written through <paramref name="context"/> is one transaction: if this
    /// throws, none of it is kept and the module is not recorded as installed.
    /// </summary>
    public virtual Task InstallAsync(IModuleInstallContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Runs once when the manifest's version is higher than the version recorded as installed, in the
    /// same single transaction as <see cref="InstallAsync"/>. The default applies pending migrations
    /// the same way an install would, by calling <see cref="InstallAsync"/> again: write install steps
    /// so that they can run twice (the <c>Ensure…</c> methods of the context are).
    /// </summary>
    public virtual Task UpgradeAsync(IModuleInstallContext context, SemanticVersion installedVersion, CancellationToken cancellationToken)
        => InstallAsync(context, cancellationToken);

    /// <summary>
    /// Runs on every start of a host that seeds demo data (Development or <c>--demo</c>), after the
    /// host's own demo users exist. Must be idempotent: add only what is missing.
    /// </summary>
    public virtual Task SeedDemoDataAsync(IServiceProvider services, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Adds middleware; it runs after authentication and before the endpoints.</summary>
    public virtual void ConfigureMiddleware(IApplicationBuilder app)
    {
    }

    /// <summary>Maps the module's endpoints, under its own URL prefix.</summary>
    public virtual void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }

    /// <summary>Runs once the host is serving requests.</summary>
    public virtual Task StartedAsync(IServiceProvider services, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs when the host begins to shut down.</summary>
    public virtual Task StoppingAsync(IServiceProvider services, CancellationToken cancellationToken) => Task.CompletedTask;
}
