namespace ModularEmr.Host.Hosting.Home;

/// <summary>A module as the home page lists it (public: the page component's parameters are).</summary>
/// <param name="Name">Its display name.</param>
/// <param name="Version">The version of its manifest.</param>
/// <param name="State"><c>started</c>, <c>disabled</c> or <c>disabled (data kept)</c>; shown to administrators.</param>
public sealed record ModuleRow(string Name, string? Version, string? State);
