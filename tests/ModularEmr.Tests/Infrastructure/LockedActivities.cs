using System.Collections.ObjectModel;
using System.Diagnostics;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>Spans as an exporter adds them from the server's threads, read by a test while it does.</summary>
internal sealed class LockedActivities : Collection<Activity>
{
    public Activity[] Snapshot()
    {
        lock (this)
        {
            return [.. this];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (this)
        {
            base.InsertItem(index, item);
        }
    }
}
