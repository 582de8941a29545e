namespace ModularEmr.Tests.Infrastructure;

/// <summary>
/// Tests that build the sdk in Release (packing it, publishing the host) share its obj/ folder: they run in
/// this collection, one at a time and alone, or one's build would overwrite the other's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReleaseBuilds
{
    public const string Name = "Release builds";
}
