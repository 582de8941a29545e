using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// OpenIddict's application manager, remembering for a minute that a presented client secret was right.
/// The stored hash (PBKDF2, OpenIddict's format) is still what decides the first time; afterwards the
/// SHA-256 of the presented secret is compared in fixed time with the one that passed. A wrong secret is
/// never remembered, so guessing still costs a full PBKDF2 each time; any change to a client forgets all.
/// </summary>
public sealed class CachingApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    VerifiedSecrets verified,
    RevocationSignal signal) : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public override async ValueTask<bool> ValidateClientSecretAsync(OpenIddictEntityFrameworkCoreApplication application, string secret, CancellationToken cancellationToken = default)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(secret ?? string.Empty));
        if (application.Id is { } id && verified.Matches(id, presented, signal.Clients))
        {
            return true;
        }

        var epoch = signal.Clients;
        var valid = await base.ValidateClientSecretAsync(application, secret!, cancellationToken);
        if (valid && application.Id is { } verifiedId)
        {
            verified.Remember(verifiedId, presented, epoch);
        }

        return valid;
    }

    public override async ValueTask DeleteAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken = default)
    {
        await base.DeleteAsync(application, cancellationToken);
        signal.ClientsChanged();
    }

    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken = default)
    {
        await base.UpdateAsync(application, cancellationToken);
        signal.ClientsChanged();
    }

    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreApplication application, string? secret, CancellationToken cancellationToken = default)
    {
        await base.UpdateAsync(application, secret, cancellationToken);
        signal.ClientsChanged();
    }
}

/// <summary>Secrets that passed the stored-hash check recently, by application id.</summary>
public sealed class VerifiedSecrets(TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (byte[] Hash, long Epoch, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public bool Matches(string applicationId, byte[] presented, long epoch) =>
        _entries.TryGetValue(applicationId, out var entry)
        && entry.Epoch == epoch
        && entry.Until > clock.GetUtcNow()
        && CryptographicOperations.FixedTimeEquals(entry.Hash, presented);

    public void Remember(string applicationId, byte[] presented, long epoch) =>
        _entries[applicationId] = (presented, epoch, clock.GetUtcNow() + Lifetime);
}
