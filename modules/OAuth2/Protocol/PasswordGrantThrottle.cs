using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// Password-grant attempts per client and remote address in a fixed window. Per-user lockout stops a
/// guesser on one account; this stops one source spraying many accounts (RFC 6819 §5.1.4.2.3). On the
/// embedded database the count is kept in memory; on a shared one it is kept in the database
/// (<see cref="PasswordAttempts"/>), so a source spreading its guesses over several instances meets one limit.
/// </summary>
public sealed class PasswordGrantThrottle(IOptions<OAuth2Options> options, IEmrDatabase database, TimeProvider clock) : IDisposable
{
    /// <summary>Beyond this many tracked sources, limiters idle for a whole window are dropped.</summary>
    private const int Tracked = 10_000;

    // One statement counts the attempt and starts a new window when the stored one is over (portable SQL:
    // PostgreSQL and SQLite 3.35+ both take ON CONFLICT ... DO UPDATE ... RETURNING).
    private const string CountSql =
        "INSERT INTO " + PasswordAttempts.Table + " (source, window_start, attempts) VALUES (@source, @window, 1) " +
        "ON CONFLICT (source) DO UPDATE SET " +
        "attempts = CASE WHEN " + PasswordAttempts.Table + ".window_start = excluded.window_start THEN " + PasswordAttempts.Table + ".attempts + 1 ELSE 1 END, " +
        "window_start = excluded.window_start " +
        "RETURNING attempts";

    private const string ForgetSql = "DELETE FROM " + PasswordAttempts.Table + " WHERE window_start < @window";

    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new(StringComparer.Ordinal);
    private long _counted;

    /// <summary>Null when the attempt may go ahead; otherwise how long until the window allows another.</summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string clientId, string? remoteAddress, CancellationToken cancellationToken)
    {
        var source = $"{clientId}|{remoteAddress}";
        return database.IsShared ? await CountInDatabaseAsync(source, cancellationToken) : CountHere(source);
    }

    private TimeSpan? CountHere(string source)
    {
        if (_limiters.Count > Tracked)
        {
            ForgetIdle();
        }

        var limiter = _limiters.GetOrAdd(source, _ => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PasswordAttemptsPerWindow,
            Window = TimeSpan.FromSeconds(options.Value.PasswordWindowSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using var lease = limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(options.Value.PasswordWindowSeconds);
    }

    private async Task<TimeSpan?> CountInDatabaseAsync(string source, CancellationToken cancellationToken)
    {
        var window = options.Value.PasswordWindowSeconds;
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var start = now - (now % window);
        var forget = Interlocked.Increment(ref _counted) % 1000 == 0;
        var attempts = await database.WriteAsync(
            async (connection, transaction, token) =>
            {
                if (forget)
                {
                    await using var prune = Command(connection, transaction, ForgetSql, ("window", start));
                    await prune.ExecuteNonQueryAsync(token);
                }

                await using var count = Command(connection, transaction, CountSql, ("source", source), ("window", start));
                return Convert.ToInt32(await count.ExecuteScalarAsync(token), System.Globalization.CultureInfo.InvariantCulture);
            },
            cancellationToken);
        return attempts <= options.Value.PasswordAttemptsPerWindow ? null : TimeSpan.FromSeconds(start + window - now);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private void ForgetIdle()
    {
        var window = TimeSpan.FromSeconds(options.Value.PasswordWindowSeconds);
        foreach (var (key, limiter) in _limiters)
        {
            if (limiter.IdleDuration > window && _limiters.TryRemove(key, out var removed))
            {
                removed.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
