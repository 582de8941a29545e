namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>A scope on the consent page: its name, and in words what it allows when a module declared it.</summary>
public sealed record ConsentScope(string Name, string? DisplayName, string? Description);
