namespace ModularEmr.Sdk.Modules;

/// <summary>An option of an <see cref="AdminCommand"/>: <c>--name value</c>. Added in sdk 1.5.0.</summary>
/// <param name="Name">Without the leading dashes (<c>developer</c>).</param>
/// <param name="Description">One line for <c>--help</c>.</param>
/// <param name="Required">Whether the command line must give it; the host refuses the command otherwise.</param>
public sealed record AdminCommandOption(string Name, string Description, bool Required = false);
