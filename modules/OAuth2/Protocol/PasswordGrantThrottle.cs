using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// Password-grant attempts per client and remote address in a fixed window. Per-user lockout stops a
/// guesser on one account; this stops one source spraying many accounts (RFC 6819 §5.1.4.2.3).
/// </summary>
public sealed class PasswordGrantThrottle(Microsoft.Extensions.Options.IOptions<OAuth2Options> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new(StringComparer.Ordinal);

    /// <summary>Beyond this many tracked sources, limiters idle for a whole window are dropped.</summary>
    private const int Tracked = 10_000;

    /// <summary>Null when the attempt may go ahead; otherwise how long until the window allows another.</summary>
    public TimeSpan? TryAcquire(string clientId, string? remoteAddress)
    {
        if (_limiters.Count > Tracked)
        {
            ForgetIdle();
        }

        var key = $"{clientId}|{remoteAddress}";
        var limiter = _limiters.GetOrAdd(key, _ => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
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
