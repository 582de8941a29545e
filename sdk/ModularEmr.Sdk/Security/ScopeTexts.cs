namespace ModularEmr.Sdk.Security;

/// <summary>
/// Where a module's scope titles and descriptions are translated, registered with
/// <see cref="Modules.ModuleServiceCollectionExtensions.AddScopeTexts"/>. Added in sdk 1.7.0.
/// </summary>
/// <param name="ModuleId">The module whose declared scopes these texts translate.</param>
/// <param name="Texts">
/// A type with <c>.resx</c> resources beside it, read through <c>IStringLocalizer</c>. Each scope's English
/// <see cref="ScopeDeclaration.DisplayName"/> and <see cref="ScopeDeclaration.Description"/> are the keys
/// (ASP.NET Core's English-as-key convention): a text without a translation is shown in English.
/// </param>
public sealed record ScopeTexts(string ModuleId, Type Texts);
