using Microsoft.Playwright;

namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>
/// One running host for the whole end-to-end story, the developer the admin created for it through
/// the CLI, and (for browser tests) Playwright driving Debian's Chromium.
/// </summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    /// <summary>Bob, the client developer of the story. The demo data already has a 'bob'; this one the admin creates, as the README's administration section does.</summary>
    public const string Developer = "bob2";
    public const string DeveloperPassword = "Bob-Strong-Pass-1";
    public const string Patient = "alice";
    public const string PatientPassword = "Alice123";
    public const string AliceId = "dda12af7-1691-11df-97a5-7038c432aabf";

    private readonly SemaphoreSlim _browserLock = new(1, 1);
    private EmrServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    internal EmrServer Server => _server ?? throw new InvalidOperationException("The host has not started.");

    public Uri BaseAddress => Server.BaseAddress;

    public async Task InitializeAsync()
    {
        _server = await EmrServer.StartAsync();
        try
        {
            await _server.AdminAsync(DeveloperPassword, "users", "add", Developer, "--password-stdin", "--role", "Client Developer");
        }
        catch
        {
            await _server.DisposeAsync();
            _server = null;
            throw;
        }
    }

    /// <summary>Chromium, launched on first use so that tests without a browser never need one.</summary>
    internal async Task<IBrowser> BrowserAsync()
    {
        await _browserLock.WaitAsync();
        try
        {
            if (_browser is null)
            {
                if (!Chromium.IsInstalled)
                {
                    throw new InvalidOperationException(Chromium.MissingMessage + (Chromium.InContinuousIntegration ? "; CI (CI=true) runs every browser test." : "."));
                }

                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = Chromium.ExecutablePath,
                    Headless = true,
                    Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking"],
                });
            }

            return _browser;
        }
        finally
        {
            _browserLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _browserLock.Dispose();
    }
}

/// <summary>Every end-to-end test shares the one host, in sequence: the story's steps see each other's data.</summary>
[CollectionDefinition(Name)]
public sealed class SharedHost : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "one running host";
}
