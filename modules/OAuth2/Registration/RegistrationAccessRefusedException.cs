namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>
/// The bearer token of a registration request stopped being usable between its check and the write (an initial
/// access token's last use taken, a client deleted by a racing request): RFC 6750 §3.1
/// <c>invalid_token</c>.
/// </summary>
public sealed class RegistrationAccessRefusedException() : Exception("The token is no longer valid.");
