using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data.Writes;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Data;

/// <summary>The database as modules see it: the configured provider, and its write path.</summary>
internal sealed class EmrDatabase(EmrDatabaseProvider provider, IRecordWriter writer) : IEmrDatabase
{
    public string Provider => provider.Name;

    public bool IsShared => provider.IsShared;

    public void Configure(DbContextOptionsBuilder options, string moduleId) => provider.Configure(options, moduleId);

    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(work, cancellationToken);
}
