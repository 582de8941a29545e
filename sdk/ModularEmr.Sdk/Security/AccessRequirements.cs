namespace ModularEmr.Sdk.Security;

/// <summary>Endpoint metadata: the token must carry at least one of these scopes.</summary>
/// <param name="AnyOf">Acceptable scopes; one is enough.</param>
public sealed record RequiredScopeMetadata(IReadOnlyList<string> AnyOf);

/// <summary>
/// Endpoint metadata: the user a token acts for must hold every one of these privileges.
/// A client-credentials token acts for no user and is limited by its registered scopes alone.
/// </summary>
/// <param name="AllOf">Privileges the user must hold.</param>
public sealed record RequiredPrivilegeMetadata(IReadOnlyList<string> AllOf);
