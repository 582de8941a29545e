namespace ModularEmr.Sdk.Testing;

/// <summary>The host did not start, or refused a token request; the message carries what it said.</summary>
public sealed class EmrModuleHostException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public EmrModuleHostException(string message)
        : base(message)
    {
    }
}
