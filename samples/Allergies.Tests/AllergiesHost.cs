using ModularEmr.Sdk.Testing;

namespace ModularEmr.Samples.Allergies.Tests;

/// <summary>One host per test class, with the module whose folder is beside this project's.</summary>
public sealed class AllergiesHost : IAsyncLifetime
{
    public EmrModuleHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await EmrModuleHost.StartAsync(new() { ModuleFolder = "../Allergies" });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
