using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Protocol;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// EHR launch ids (SMART App Launch 2.2 §"EHR launch"): opaque, random, single-use and short-lived, each
/// bound to one user, one patient and one client. They live in the database, so a launch made on one
/// instance is redeemed on any other, and it is used once however many instances race for it.
/// </summary>
public sealed class EhrLaunches(OAuth2DbContext db, TimeProvider clock, IOptions<OAuth2Options> options)
{
    public async Task<(string LaunchId, TimeSpan ExpiresIn)> CreateAsync(Guid userUuid, string clientId, Guid patientUuid, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var lifetime = TimeSpan.FromSeconds(options.Value.EhrLaunchLifetimeSeconds);
        var launchId = OpaqueToken.Create();
        // Launches a day past their expiry are of no use to anyone, not even to explain a refusal.
        await db.EhrLaunches.Where(l => l.ExpiresAt < now - (long)TimeSpan.FromDays(1).TotalMilliseconds).ExecuteDeleteAsync(cancellationToken);
        db.EhrLaunches.Add(new EhrLaunch
        {
            IdHash = OpaqueToken.Hash(launchId),
            ClientId = clientId,
            UserUuid = userUuid,
            PatientUuid = patientUuid,
            CreatedAt = now,
            ExpiresAt = now + (long)lifetime.TotalMilliseconds,
        });
        await db.SaveChangesAsync(cancellationToken);
        return (launchId, lifetime);
    }

    /// <summary>The launch when it exists, was made for <paramref name="clientId"/>, is unused and has not expired; else why not.</summary>
    public async Task<(EhrLaunch? Launch, string? Refusal)> FindUsableAsync(string launchId, string? clientId, CancellationToken cancellationToken)
    {
        var hash = OpaqueToken.Hash(launchId);
        var launch = await db.EhrLaunches.AsNoTracking().SingleOrDefaultAsync(l => l.IdHash == hash, cancellationToken);
        return launch switch
        {
            null => (null, "The launch id is unknown."),
            _ when launch.ClientId != clientId => (null, "The launch id was issued for another app."),
            { UsedAt: not null } => (null, "The launch id was already used; launch the app again from the EHR."),
            _ when launch.ExpiresAt <= clock.GetUtcNow().ToUnixTimeMilliseconds() => (null, "The launch id has expired; launch the app again from the EHR."),
            _ => (launch, null),
        };
    }

    /// <summary>Marks the launch used; false when another request used it first or it expired meanwhile.</summary>
    public async Task<bool> TryUseAsync(string launchId, CancellationToken cancellationToken)
    {
        var hash = OpaqueToken.Hash(launchId);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return await db.EhrLaunches
            .Where(l => l.IdHash == hash && l.UsedAt == null && l.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.UsedAt, now), cancellationToken) == 1;
    }

}
