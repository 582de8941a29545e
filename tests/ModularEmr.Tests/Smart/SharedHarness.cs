using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Smart;

/// <summary>
/// One host for a test class whose tests change nothing another of them reads (each registers its own
/// client or origin, none moves the clock): starting a host per case cost about a second each.
/// </summary>
public sealed class SharedHarness : IAsyncLifetime
{
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private string? _initialToken;

    internal OAuth2Harness OAuth { get; private set; } = null!;

    public async Task InitializeAsync() => OAuth = await OAuth2Harness.StartAsync();

    /// <summary>
    /// One RFC 7591 initial access token for Bob with uses to spare, made once for the class with the admin CLI
    /// (each run of the CLI opens the host's data again, about a second).
    /// </summary>
    internal async Task<string> InitialAccessTokenAsync()
    {
        await _tokenLock.WaitAsync();
        try
        {
            return _initialToken ??= await OAuth.InitialAccessTokenAsync("bob", uses: 1000);
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    public async Task DisposeAsync() => await OAuth.DisposeAsync();
}
