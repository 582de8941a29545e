namespace ModularEmr.Sdk.Security;

/// <summary>
/// Endpoint metadata: <c>RequireScope</c> or <c>RequirePrivilege</c> put the bearer filter in front of
/// this endpoint. Only the sdk creates it, so its presence proves the filter is there; requirement
/// metadata without it or <see cref="RequiredBearerTokenMetadata"/> stops the host at start-up.
/// </summary>
public sealed class ImpliedBearerTokenMetadata
{
    internal ImpliedBearerTokenMetadata()
    {
    }
}
