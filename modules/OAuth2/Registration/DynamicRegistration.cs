namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>What a registration through RFC 7591/7592 adds to one from the portal.</summary>
/// <param name="RegistrationTokenHash">SHA-256 of the registration access token to keep (on registration).</param>
/// <param name="Metadata">The RFC 7591 metadata without a column of its own, as a JSON object.</param>
/// <param name="Guard">Runs first inside the write's transaction (claiming an initial access token's use, holding the
/// registration while its access token still fits); false refuses the write with <see cref="RegistrationAccessRefusedException"/>.</param>
public sealed record DynamicRegistration(string? RegistrationTokenHash, string Metadata, Func<CancellationToken, Task<bool>>? Guard);
