using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;

namespace ModularEmr.Host.Modules;

/// <summary>The modules of this run: what <c>modules.json</c> lists and what was loaded.</summary>
internal sealed class ModuleRegistry(ModuleCatalog catalog, IReadOnlyList<LoadedModule> loaded)
{
    public ModuleCatalog Catalog { get; } = catalog;

    /// <summary>Loaded modules, in dependency order.</summary>
    public IReadOnlyList<LoadedModule> Loaded { get; } = loaded;

    public async Task<IReadOnlyList<ModuleStatus>> DescribeAsync(CoreDbContext db, CancellationToken cancellationToken)
    {
        var states = await db.ModuleStates.AsNoTracking().ToDictionaryAsync(s => s.ModuleId, cancellationToken);
        return Catalog.All.Select(module =>
        {
            states.TryGetValue(module.Id, out var state);
            var status = module.Enabled ? "started" : state is null ? "disabled" : "disabled (data kept)";
            return new ModuleStatus(module.Id, module.Manifest?.Name ?? module.Id, module.Version?.ToString(), state?.Version, status, module.Folder);
        }).ToList();
    }
}

/// <summary>A module as <c>/ws/modules</c> and <c>modules list</c> show it.</summary>
/// <param name="Id">The module id.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Version">The version of its manifest.</param>
/// <param name="InstalledVersion">The version recorded in the database, if it was ever installed.</param>
/// <param name="State"><c>started</c>, <c>disabled</c> or <c>disabled (data kept)</c>.</param>
/// <param name="Path">Its folder.</param>
internal sealed record ModuleStatus(string Id, string Name, string? Version, string? InstalledVersion, string State, string Path);

/// <summary>Marks the endpoints a module mapped, so its requests run in its reflection context.</summary>
internal sealed record ModuleEndpointMetadata(LoadedModule Module);
