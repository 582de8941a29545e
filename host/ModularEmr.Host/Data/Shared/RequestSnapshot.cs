namespace ModularEmr.Host.Data.Shared;

/// <summary>
/// The change versions one HTTP request read (<see cref="DatabaseChangeSignals"/>), and how many signals this
/// instance had sent when it asked: the request reuses them until this instance signals again.
/// </summary>
internal sealed record RequestSnapshot(Task<IReadOnlyDictionary<string, long>> Read, long Signalled);
