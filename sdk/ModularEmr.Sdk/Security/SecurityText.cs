namespace ModularEmr.Sdk.Security;

/// <summary>
/// The bearer filter's words for people, in <c>SecurityText.resx</c> (English), <c>.fr</c> and <c>.es</c>,
/// read through <c>IStringLocalizer&lt;SecurityText&gt;</c> in the language the host chose for the request.
/// </summary>
internal sealed class SecurityText;
