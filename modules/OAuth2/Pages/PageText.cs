namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>
/// The pages' words, in <c>PageText.resx</c> (English) and <c>PageText.fr.resx</c>, <c>PageText.es.resx</c>:
/// components take <c>IStringLocalizer&lt;PageText&gt;</c>, and the host picks the language per request.
/// </summary>
public sealed class PageText;
