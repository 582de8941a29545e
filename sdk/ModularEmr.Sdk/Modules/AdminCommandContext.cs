namespace ModularEmr.Sdk.Modules;

/// <summary>What an <see cref="AdminCommand"/> runs with. Added in sdk 1.5.0.</summary>
/// <param name="Services">A service scope of the host, with every module's services, opened for this command.</param>
/// <param name="Output">Standard output. Put a value a script reads (a token, an id) on the last line.</param>
/// <param name="OptionValues">The options given on the command line, by name without dashes.</param>
public sealed record AdminCommandContext(IServiceProvider Services, TextWriter Output, IReadOnlyDictionary<string, string> OptionValues)
{
    /// <summary>The value of option <paramref name="name"/>, or null when the command line left it out.</summary>
    public string? Option(string name) => OptionValues.TryGetValue(name, out var value) ? value : null;
}
