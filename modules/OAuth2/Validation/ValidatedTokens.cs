using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// Verdicts on valid access tokens, keyed by the token's SHA-256 (the token itself is not kept). An entry
/// holds only while no token changed status since it was made (<see cref="RevocationSignal"/>) and the
/// token has not expired, so revocation, client deletion and expiry are seen at once.
/// </summary>
public sealed class ValidatedTokens(RevocationSignal signal, TimeProvider clock)
{
    private const int Capacity = 100_000;
    private readonly ConcurrentDictionary<string, (TokenValidationResult Result, long Epoch)> _entries = new(StringComparer.Ordinal);

    public static string Key(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The verdict on the token with <paramref name="key"/>, if made under <paramref name="epoch"/> (read just before).</summary>
    public TokenValidationResult? Find(string key, long epoch)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Epoch == epoch && entry.Result.ExpiresAt > clock.GetUtcNow())
        {
            return entry.Result;
        }

        _entries.TryRemove(key, out _);
        return null;
    }

    /// <summary>Remembers a valid verdict made under <paramref name="epoch"/>, read before the validation began.</summary>
    public void Remember(string key, TokenValidationResult result, long epoch)
    {
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[key] = (result, epoch);
    }

    /// <summary>The count of token changes now: read it before looking up or validating.</summary>
    public ValueTask<long> EpochAsync(CancellationToken cancellationToken) => signal.TokensAsync(cancellationToken);
}
