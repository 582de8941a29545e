using ModularEmr.Sdk.Testing;

namespace EmrModule1.Tests;

/// <summary>The host with this module, once per test class.</summary>
public sealed class ModuleHost : IAsyncLifetime
{
    public EmrModuleHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await EmrModuleHost.StartAsync(new() { ModuleFolder = "../EmrModule1" });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
