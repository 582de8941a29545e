namespace ModularEmr.Sdk.Security;

/// <summary>
/// An OAuth 2.0 scope a module serves. The OAuth2 module lets clients register for it and shows
/// <see cref="Description"/> to the user on the consent page.
/// </summary>
/// <param name="Name">The scope value as it appears in tokens, e.g. <c>patient/Patient.rs</c>.</param>
/// <param name="DisplayName">A short title.</param>
/// <param name="Description">What a user lets the app do by granting it, in plain words.</param>
public sealed record ScopeDeclaration(string Name, string DisplayName, string Description);

/// <summary>Every scope the installed modules declared.</summary>
public interface IScopeCatalog
{
    /// <summary>All declared scopes, with the module that declared each.</summary>
    Task<IReadOnlyList<DeclaredScope>> ListAsync(CancellationToken cancellationToken = default);
}

/// <summary>A scope together with the module that declared it.</summary>
public sealed record DeclaredScope(string ModuleId, ScopeDeclaration Scope);
