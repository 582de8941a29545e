using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ModularEmr.Sdk.Modules;

/// <summary>What a module knows about itself and its host while it registers its services.</summary>
/// <param name="Module">The module's manifest, as the host read it.</param>
/// <param name="Settings">The module's <c>settings</c> object from <c>modules.json</c> (empty when absent).</param>
/// <param name="Configuration">The host's whole configuration.</param>
/// <param name="Environment">The host environment (Development, Production…).</param>
/// <param name="IsDemo">True when the host seeds demo data (Development or <c>--demo</c>).</param>
/// <param name="DataDirectory">The host's data folder (database, keys); a module keeps its files under it.</param>
public sealed record ModuleContext(
    ModuleDescriptor Module,
    IConfiguration Settings,
    IConfiguration Configuration,
    IHostEnvironment Environment,
    bool IsDemo,
    string DataDirectory)
{
    /// <summary>
    /// Where the module keeps its keys: files in the data folder by default, the database when it is shared
    /// by several host instances. Added in sdk 1.4.0.
    /// </summary>
    public Data.IModuleKeyStore Keys { get; init; } = new Data.FileModuleKeyStore(DataDirectory, Module.Id);
}

/// <summary>A module's identity as declared in its <c>module.json</c> manifest.</summary>
public sealed record ModuleDescriptor(string Id, string Name, SemanticVersion Version, string? Description);
