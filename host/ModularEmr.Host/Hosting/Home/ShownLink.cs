namespace ModularEmr.Host.Hosting.Home;

/// <summary>A module's home link as this visitor reads it: in their language.</summary>
public sealed record ShownLink(string Title, string Url, string Description);
