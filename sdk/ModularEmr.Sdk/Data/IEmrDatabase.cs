using Microsoft.EntityFrameworkCore;

namespace ModularEmr.Sdk.Data;

/// <summary>
/// The host's database, as modules see it: the provider and connection the operator configured
/// (embedded SQLite by default). Modules never open the host's own context.
/// </summary>
public interface IEmrDatabase
{
    /// <summary>The configured provider, e.g. <c>sqlite</c>.</summary>
    string Provider { get; }

    /// <summary>
    /// Points <paramref name="options"/> at the host's database with the migrations history table of
    /// <paramref name="moduleId"/>, so a module's migrations never mix with another's.
    /// </summary>
    void Configure(DbContextOptionsBuilder options, string moduleId);
}
