using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Smart;

/// <summary>
/// One host for a test class whose tests change nothing another of them reads (each registers its own
/// client or origin, none moves the clock): starting a host per case cost about a second each.
/// </summary>
public sealed class SharedHarness : IAsyncLifetime
{
    internal OAuth2Harness OAuth { get; private set; } = null!;

    public async Task InitializeAsync() => OAuth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await OAuth.DisposeAsync();
}
