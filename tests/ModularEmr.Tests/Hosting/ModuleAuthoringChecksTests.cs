using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Host.Data;
using ModularEmr.Host.Modules;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// What the host tells a module author at start: a DbContext without migrations is refused (its tables
/// would never exist), and copies of the sdk or EF Core beside a module are named as never used.
/// </summary>
public sealed class ModuleAuthoringChecksTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_dbcontext_without_a_migration_is_found_and_one_with_migrations_is_not()
    {
        var unmigrated = new ServiceCollection().AddDbContext<Unmigrated>();
        Assert.Equal([typeof(Unmigrated)], ModuleMigrationCheck.WithoutMigrations(typeof(Unmigrated).Assembly, unmigrated));

        // The core's context has its migrations in the host's assembly; a context of another assembly is not the module's.
        var core = new ServiceCollection().AddDbContext<CoreDbContext>();
        Assert.Empty(ModuleMigrationCheck.WithoutMigrations(typeof(CoreDbContext).Assembly, core));
        Assert.Empty(ModuleMigrationCheck.WithoutMigrations(typeof(Unmigrated).Assembly, core));
    }

    [Fact]
    public async Task Copies_of_the_sdk_beside_a_module_are_named_in_a_warning_and_the_shipped_modules_carry_none()
    {
        var probe = ModuleLoadingTests.CopyProbe(_folder, "probe");
        var sdk = typeof(ModularEmr.Sdk.Modules.EmrModule).Assembly.Location;
        File.Copy(sdk, Path.Combine(probe, "bin", Path.GetFileName(sdk)));
        var modules = ModulesFileBuilder.Shipped().Add("probe", probe).WriteTo(_folder);

        await using var host = await EmrTestHost.StartAsync(_folder.Combine("data"), modules);

        var warnings = host.Logs.Lines.Where(line => line.Contains("carries its own", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("Module 'probe' carries its own ModularEmr.Sdk.dll beside its assembly; the host's are loaded instead", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_migration_the_database_has_not_applied_at_the_installed_version_stops_the_start()
    {
        var modules = ModulesFileBuilder.Shipped().AddProbe().WriteTo(_folder);
        string database;
        await using (var first = await EmrTestHost.StartAsync(_folder.Combine("data"), modules))
        {
            database = first.DatabaseFile;
        }

        // As if the module's author had added this migration without raising the module's version.
        await Database.QueryAsync(database, "DELETE FROM __migrations_probe");

        var refused = await Assert.ThrowsAnyAsync<ModularEmr.Host.Hosting.StartupException>(() => EmrTestHost.BuildAsync(_folder.Combine("data"), modules));
        Assert.Contains(
            "module 'probe': its ProbeDbContext has migrations this database has not applied (20261129035930_InitialProbe) at the version already installed, 1.0.0: raise 'version' in module.json",
            refused.Message,
            StringComparison.Ordinal);
    }

    private sealed class Unmigrated(DbContextOptions<Unmigrated> options) : DbContext(options);
}
