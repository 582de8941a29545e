namespace ModularEmr.Host.Modules;

/// <summary>Calls each module's started hook once the host serves, and its stopping hook at shutdown (in reverse order).</summary>
internal sealed class ModuleLifecycleService(ModuleRegistry registry, IServiceProvider services) : IHostedLifecycleService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var module in registry.Loaded)
        {
            using (module.EnterContextualReflection())
            {
                await module.Instance.StartedAsync(services, cancellationToken);
            }
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        foreach (var module in registry.Loaded.Reverse())
        {
            using (module.EnterContextualReflection())
            {
                await module.Instance.StoppingAsync(services, cancellationToken);
            }
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
