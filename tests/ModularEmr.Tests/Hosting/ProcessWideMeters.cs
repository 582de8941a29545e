namespace ModularEmr.Tests.Hosting;

/// <summary>
/// Meters are process-wide: a host's metrics provider also hears the instruments of every other host
/// running in the test process. Tests that count exactly run in this collection, alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeters
{
    public const string Name = "Process-wide meters";
}
