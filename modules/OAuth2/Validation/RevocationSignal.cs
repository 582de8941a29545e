namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// Counts changes that can make a valid token or client secret invalid: any token revocation,
/// redemption or deletion, and any change to a client. A cached verdict remembers the count it was
/// made under and is used only while the count is unchanged, so a revocation takes effect on this
/// instance at once, whichever code path revoked.
/// </summary>
public sealed class RevocationSignal
{
    private long _tokens;
    private long _clients;

    public long Tokens => Interlocked.Read(ref _tokens);

    public long Clients => Interlocked.Read(ref _clients);

    public void TokensChanged() => Interlocked.Increment(ref _tokens);

    public void ClientsChanged()
    {
        Interlocked.Increment(ref _clients);

        // Deleting a client removes its tokens in the store; cached token verdicts must go too.
        Interlocked.Increment(ref _tokens);
    }
}
