namespace ModularEmr.Modules.Rest;

/// <summary>
/// The module's words for people, in <c>RestText.resx</c> (English), <c>RestText.fr.resx</c> and
/// <c>RestText.es.resx</c>, read through <c>IStringLocalizer&lt;RestText&gt;</c> when an error body is
/// written, in the language the host chose for the request (<c>Accept-Language</c>, then English). The
/// scopes' titles and descriptions are here too, keyed by their English.
/// </summary>
public sealed class RestText;
