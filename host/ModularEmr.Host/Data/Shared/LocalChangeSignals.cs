using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Data.Shared;

/// <summary>The change signals of a database only this process writes: counters in memory, read for free.</summary>
internal sealed class LocalChangeSignals : IChangeSignals
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _versions = new(StringComparer.Ordinal);

    public ValueTask<long> VersionAsync(string topic, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Interlocked.Read(ref Counter(topic).Value));

    public Task SignalAsync(string topic, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Counter(topic).Value);
        return Task.CompletedTask;
    }

    private StrongBox<long> Counter(string topic) => _versions.GetOrAdd(topic, static _ => new StrongBox<long>());
}
