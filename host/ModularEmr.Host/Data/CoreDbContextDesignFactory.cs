using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ModularEmr.Host.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the host.</summary>
internal sealed class CoreDbContextDesignFactory : IDesignTimeDbContextFactory<CoreDbContext>
{
    public CoreDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        new SqliteEmrDatabase("design-time.db").Configure(options, CoreDbContext.MigrationsOwner);
        return new CoreDbContext(options.Options);
    }
}
