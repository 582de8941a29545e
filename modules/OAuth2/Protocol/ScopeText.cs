namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// The OAuth2 module's own scopes (<see cref="OAuth2Scopes.Declared"/>) in French and Spanish:
/// <c>ScopeText.resx</c> and its translations, keyed by the English title and description (see
/// <see cref="Sdk.Security.ScopeTexts"/>).
/// </summary>
public sealed class ScopeText;
