using Microsoft.EntityFrameworkCore;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Protocol;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// SMART Backend Services §"Authenticating to the token endpoint" and RFC 7523 §3, beyond what OpenIddict
/// checks (signature by a registered key, <c>iss</c> = <c>sub</c> = client id, <c>aud</c> = the token
/// endpoint, <c>exp</c>): the assertion expires at most five minutes ahead, carries a <c>jti</c>, and is
/// accepted once; its <c>jti</c> is kept in the database until it expires, so every instance sees it.
/// </summary>
public sealed class ClientAssertionRules(OAuth2DbContext db) : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
            .UseScopedHandler<ClientAssertionRules>()
            // After the client is fully authenticated: a refused assertion must not use up its jti.
            .SetOrder(Math.Max(OpenIddictServerHandlers.ValidateClientSecret.Descriptor.Order, OpenIddictServerHandlers.ValidateClientType.Descriptor.Order) + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        var assertion = context.ClientAssertionPrincipal!;
        var now = context.Options.TimeProvider!.GetUtcNow();
        if (assertion.GetExpirationDate() is not { } expires || expires > now + MaxLifetime)
        {
            context.Reject(Errors.InvalidClient, "The client assertion must expire no more than five minutes after it is sent (SMART Backend Services).");
            return;
        }

        if (assertion.GetClaim(Claims.JwtId) is not { Length: > 0 } jti)
        {
            context.Reject(Errors.InvalidClient, "The client assertion must carry a 'jti' (RFC 7523 section 3).");
            return;
        }

        var hash = OpaqueToken.Hash($"{assertion.GetClaim(Claims.Issuer)}\n{jti}");
        var nowMs = now.ToUnixTimeMilliseconds();
        await db.ClientAssertionUses.Where(u => u.ExpiresAt < nowMs).ExecuteDeleteAsync(context.CancellationToken);
        // One statement decides, whichever instance gets there first: the second insert of a hash adds nothing.
        var added = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO oauth2_client_assertion (hash, expires_at) VALUES ({hash}, {expires.ToUnixTimeMilliseconds()}) ON CONFLICT (hash) DO NOTHING",
            context.CancellationToken);
        if (added == 0)
        {
            context.Reject(Errors.InvalidClient, "This client assertion was already used ('jti' replayed); sign a new one for each request (RFC 7523 section 3).");
        }
    }
}
