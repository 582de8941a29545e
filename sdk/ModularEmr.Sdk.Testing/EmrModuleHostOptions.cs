namespace ModularEmr.Sdk.Testing;

/// <summary>What <see cref="EmrModuleHost.StartAsync"/> starts.</summary>
public sealed class EmrModuleHostOptions
{
    /// <summary>
    /// Your module's folder: its <c>module.json</c> and the <c>bin/</c> your build writes. A relative path is
    /// taken from your test project's folder (<c>../MyModule</c>).
    /// </summary>
    public required string ModuleFolder { get; init; }

    /// <summary>Your module's <c>settings</c>, as an operator would write them in <c>modules.json</c>; none by default.</summary>
    public IReadOnlyDictionary<string, object?>? Settings { get; init; }

    /// <summary>More modules of your own to load beside it (their folders, as <see cref="ModuleFolder"/>).</summary>
    public IReadOnlyList<string> OtherModuleFolders { get; init; } = [];

    /// <summary>How long the host may take to answer <c>/health/ready</c>; one minute by default.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The host's assembly (<c>ModularEmr.Host.dll</c>); by default the one the kit's package carries. Set it
    /// to run another build of the host, e.g. one you published.
    /// </summary>
    public string? HostAssembly { get; init; }

    /// <summary>The modules file listing the shipped modules to load beside yours; by default the kit's.</summary>
    public string? ShippedModulesFile { get; init; }
}
