namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>
/// Why a client registration was refused, in <c>ClientText.resx</c> (English), <c>.fr</c> and <c>.es</c>:
/// the developer portal shows it in the reader's language; the JSON and RFC 7591 APIs answer in English,
/// since an OAuth <c>error_description</c> is ASCII (RFC 6749 §5.2, RFC 7591 §3.2.2).
/// </summary>
public sealed class ClientText;
