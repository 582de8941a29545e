namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>An app the EHR can launch: registered with a launch URL.</summary>
public sealed record LaunchableApp(string ClientId, string Name, string? Description);
