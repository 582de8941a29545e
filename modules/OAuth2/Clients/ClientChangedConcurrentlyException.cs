namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>Another request changed or deleted the client between this request's read and its write: answered 409, nothing written.</summary>
public sealed class ClientChangedConcurrentlyException(Exception inner)
    : Exception(Text.InEnglish(), inner)
{
    /// <summary>The refusal's words, for a page in the reader's language.</summary>
    public static ClientMessage Text { get; } = new("ChangedConcurrently");
}
