namespace ModularEmr.Sdk.Data;

/// <summary>
/// Version counters by topic, seen alike by every host instance on the database: a module that caches
/// what the database holds remembers the version it read under, signals the topic after each change it
/// commits, and trusts an entry only while the version is unchanged. On the embedded database the counters
/// live in memory (this process is the only writer); on a shared one, reading a version is one primary-key
/// lookup, so a change committed on one instance is seen by the next request on any other. Added in sdk 1.4.0.
/// </summary>
/// <remarks>
/// Read the version before reading what it guards, and signal after the change is committed: a reader that
/// began between the two then files its result under the old version, which is already stale.
/// </remarks>
public interface IChangeSignals
{
    /// <summary>The current version of <paramref name="topic"/> (0 until it is first signalled).</summary>
    ValueTask<long> VersionAsync(string topic, CancellationToken cancellationToken = default);

    /// <summary>Moves <paramref name="topic"/> to a new version, visible to every instance when this returns.</summary>
    Task SignalAsync(string topic, CancellationToken cancellationToken = default);
}
