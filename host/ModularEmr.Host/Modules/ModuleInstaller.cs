using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Host.Modules;

/// <summary>
/// Runs each module's install hook once, and its upgrade hook once per raised version, recording the
/// installed version in <c>module_state</c> within the same transaction as the hook's writes.
/// </summary>
internal sealed partial class ModuleInstaller(EmrDatabaseProvider database, IServiceProvider services, ScopeCatalog scopes, TimeProvider clock, ILogger<ModuleInstaller> logger)
{
    public async Task InstallOrUpgradeAsync(LoadedModule module, bool isDemo, CancellationToken cancellationToken)
    {
        var catalog = module.Catalog;
        var version = catalog.Version!;

        await using var connection = database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        database.Configure(options, CoreDbContext.MigrationsOwner, connection);
        await using var core = new CoreDbContext(options.Options);
        await core.Database.UseTransactionAsync(transaction, cancellationToken);

        var state = await core.ModuleStates.SingleOrDefaultAsync(s => s.ModuleId == module.Id, cancellationToken);
        SemanticVersion? installed = null;
        if (state is not null && !SemanticVersion.TryParse(state.Version, out installed))
        {
            throw new ModuleConfigurationException(catalog.ManifestFile, module.Id, $"the database records version '{state.Version}', which is not a semantic version");
        }

        if (installed is not null && installed.CompareTo(version) == 0)
        {
            string? pending;
            try
            {
                pending = await PendingMigrationsAsync(module, connection, transaction, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new ModuleConfigurationException(catalog.ManifestFile, module.Id, $"its migrations could not be checked: {ex.Message}", ex);
            }

            if (pending is not null)
            {
                throw new ModuleConfigurationException(catalog.ManifestFile, module.Id,
                    $"{pending} at the version already installed, {version}: raise 'version' in module.json, so the host upgrades the module and its UpgradeAsync applies them");
            }

            return;
        }

        if (installed is not null && installed > version)
        {
            throw new ModuleConfigurationException(catalog.ManifestFile, module.Id,
                $"version {version} is older than version {installed} installed on this database; downgrades are not supported (install {installed} or later)");
        }

        await using var scope = services.CreateAsyncScope();
        var context = new ModuleInstallContext(catalog.Descriptor, scope.ServiceProvider, isDemo, core, connection, transaction);
        try
        {
            using (module.EnterContextualReflection())
            {
                if (installed is null)
                {
                    await module.Instance.InstallAsync(context, cancellationToken);
                }
                else
                {
                    await module.Instance.UpgradeAsync(context, installed, cancellationToken);
                }

                if (await PendingMigrationsAsync(module, connection, transaction, cancellationToken) is { } pending)
                {
                    // The hook forgot to migrate: committing would record a version whose tables do not exist.
                    throw new ModuleConfigurationException(catalog.ManifestFile, module.Id,
                        $"{pending} after its {(installed is null ? "install" : "upgrade")}, which was rolled back: apply them in {(installed is null ? "InstallAsync" : "UpgradeAsync")} with context.MigrateAsync<T>()");
                }
            }

            var now = clock.GetUtcNow();
            if (state is null)
            {
                core.ModuleStates.Add(new ModuleState { ModuleId = module.Id, Version = version.ToString(), InstalledAt = now });
            }
            else
            {
                state.Version = version.ToString();
                state.UpgradedAt = now;
            }

            await core.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await scopes.InvalidateAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ModuleConfigurationException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            var step = installed is null ? "install" : $"upgrade from {installed}";
            LogRolledBack(logger, ex, module.Id, step);
            throw new ModuleConfigurationException(catalog.ManifestFile, module.Id, $"{step} to {version} failed and was rolled back: {ex.Message}", ex);
        }

        if (installed is null)
        {
            LogInstalled(logger, module.Id, version);
        }
        else
        {
            LogUpgraded(logger, module.Id, installed, version);
        }
    }

    /// <summary>
    /// The module's migrations this database has not applied, in words; null when there are none. A migration
    /// added without raising the version would never run (installs and upgrades run once per version), and
    /// one a hook forgot to apply would leave its tables missing: either way the first request would fail.
    /// </summary>
    private async Task<string?> PendingMigrationsAsync(LoadedModule module, System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        using (module.EnterContextualReflection())
        {
            foreach (var type in module.DbContexts)
            {
                var options = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(type))!;
                database.Configure(options, module.Id, connection);
                await using var context = (DbContext)ActivatorUtilities.CreateInstance(scope.ServiceProvider, type, options.Options);
                await context.Database.UseTransactionAsync(transaction, cancellationToken);
                var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                if (pending.Count > 0)
                {
                    return $"its {type.Name} has migrations this database has not applied ({string.Join(", ", pending)})";
                }
            }
        }

        return null;
    }

    // The operator sees the one-line reason from the exception; the trace stays at Debug.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Module {Module} {Step} failed and was rolled back")]
    private static partial void LogRolledBack(ILogger logger, Exception exception, string module, string step);

    [LoggerMessage(Level = LogLevel.Information, Message = "Module {Module} installed at version {Version}")]
    private static partial void LogInstalled(ILogger logger, string module, SemanticVersion version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Module {Module} upgraded from {From} to {Version}")]
    private static partial void LogUpgraded(ILogger logger, string module, SemanticVersion from, SemanticVersion version);
}
