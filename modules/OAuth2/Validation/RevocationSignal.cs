using ModularEmr.Sdk.Data;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// Counts changes that can make a valid token or client secret invalid: any token revocation,
/// redemption or deletion, and any change to a client. A cached verdict remembers the count it was
/// made under and is used only while the count is unchanged, so a revocation takes effect at once,
/// whichever code path revoked. The counts are the host's <see cref="IChangeSignals"/>: in memory on the
/// embedded database, in the database when several instances share it, so a revocation committed on one
/// instance is seen by the next request on every other (for one primary-key lookup per check).
/// </summary>
public sealed class RevocationSignal(IChangeSignals signals)
{
    private const string TokensTopic = "oauth2.tokens";
    private const string ClientsTopic = "oauth2.clients";

    public ValueTask<long> TokensAsync(CancellationToken cancellationToken = default) => signals.VersionAsync(TokensTopic, cancellationToken);

    public ValueTask<long> ClientsAsync(CancellationToken cancellationToken = default) => signals.VersionAsync(ClientsTopic, cancellationToken);

    // A change that committed is always announced, even for a request whose client has gone: not cancellable.
    public Task TokensChangedAsync() => signals.SignalAsync(TokensTopic, CancellationToken.None);

    public async Task ClientsChangedAsync()
    {
        await signals.SignalAsync(ClientsTopic, CancellationToken.None);

        // Deleting a client removes its tokens in the store; cached token verdicts must go too.
        await signals.SignalAsync(TokensTopic, CancellationToken.None);
    }
}
