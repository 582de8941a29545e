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

    public bool TryAcquire(string clientId, string? remoteAddress)
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
        return lease.IsAcquired;
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
