using Npgsql;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests may use: <c>EMR_TEST_POSTGRES</c> holds a connection string to it with a
/// role that may create databases (.ci/run starts a throwaway cluster with build/postgres.sh and sets it).
/// Each host gets a database of its own. With <c>EMR_TEST_PROVIDER=postgres</c> every test host runs on it
/// (the CI pass that runs the OAuth2, FHIR and REST suites again on PostgreSQL).
/// </summary>
internal static class Postgres
{
    public const string ServerVariable = "EMR_TEST_POSTGRES";
    public const string ProviderVariable = "EMR_TEST_PROVIDER";

    public static string? Server => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } server ? server : null;

    /// <summary>Whether every test host runs on PostgreSQL (the second CI pass).</summary>
    public static bool RunsEverything => string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>CI must run every PostgreSQL test: there a missing server is a failure, not a skip.</summary>
    public static bool InContinuousIntegration => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string MissingMessage =>
        $"PostgreSQL is not configured: set {ServerVariable} to a server's connection string (build/postgres.sh start DIR PORT prints one; .ci/run does this)";

    /// <summary>A new, empty database on the server; its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = Server ?? throw new InvalidOperationException(MissingMessage);
        var name = "emr_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>The host's switches for <paramref name="connectionString"/>.</summary>
    public static string[] HostArguments(string connectionString) =>
        ["--Emr:Database:Provider=postgres", $"--ConnectionStrings:Emr={connectionString}"];
}

/// <summary>
/// A test that needs PostgreSQL: skipped with the reason on a developer's machine without one; run (and so
/// failed, saying PostgreSQL is missing) in CI, where <c>CI=true</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Postgres.Server is null && !Postgres.InContinuousIntegration)
        {
            Skip = Postgres.MissingMessage + "; PostgreSQL tests skipped.";
        }
    }
}
