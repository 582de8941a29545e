namespace ModularEmr.Sdk.Security;

/// <summary>
/// Endpoint metadata: <c>RequireBearerToken</c> put <see cref="BearerTokenFilter"/>, with these options,
/// in front of the endpoint. Only the sdk creates it, so its presence proves the filter is there.
/// </summary>
public sealed class RequiredBearerTokenMetadata
{
    internal RequiredBearerTokenMetadata(BearerTokenOptions options) => Options = options;

    /// <summary>How the filter finds tokens and answers refusals there.</summary>
    public BearerTokenOptions Options { get; }
}
