using Microsoft.Extensions.Localization;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// A declared scope's title and description in the reader's language, from the texts its module registered
/// with <c>AddScopeTexts</c>; a module that registered none, or a text not translated, shows the English
/// it declared.
/// </summary>
public sealed class ScopeLocalizer(IEnumerable<ScopeTexts> texts, IStringLocalizerFactory factory)
{
    private readonly Dictionary<string, IStringLocalizer> _byModule = texts
        .GroupBy(t => t.ModuleId, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => factory.Create(g.Last().Texts), StringComparer.Ordinal);

    public ScopeDeclaration Localize(DeclaredScope declared)
    {
        ArgumentNullException.ThrowIfNull(declared);
        return _byModule.TryGetValue(declared.ModuleId, out var text)
            ? declared.Scope with { DisplayName = text[declared.Scope.DisplayName], Description = text[declared.Scope.Description] }
            : declared.Scope;
    }
}
