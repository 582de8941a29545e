using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ModularEmr.Host.Data.Writes;

/// <summary>A queued write of <see cref="SqliteRecordWriter"/>: the work, and the answer its caller awaits.</summary>
internal abstract class WriteUnit(CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>
    /// The language of the request that queued the unit: the loop runs it on a thread of its own, and a
    /// refusal it writes (<see cref="Records.RecordText"/>) is for that request's reader.
    /// </summary>
    public CultureInfo UICulture { get; } = CultureInfo.CurrentUICulture;

    public abstract bool Answered { get; }

    /// <summary>Whether the work has started at least once (so a failed batch was not a failure to begin).</summary>
    public bool Ran { get; protected set; }

    /// <summary>Runs the work in the shared transaction; its result is kept until <see cref="Complete"/> (after the commit).</summary>
    public abstract Task RunAsync(CoreDbContext db, SqliteTransaction transaction);

    public abstract void Complete();

    public abstract void Fail(Exception exception);

    public abstract void Cancel();
}
