using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>OpenIddict's token manager, announcing every change of a token's status (see <see cref="RevocationSignal"/>).</summary>
public sealed class SignallingTokenManager(
    IOpenIddictTokenCache<OpenIddictEntityFrameworkCoreToken> cache,
    ILogger<OpenIddictTokenManager<OpenIddictEntityFrameworkCoreToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<OpenIddictEntityFrameworkCoreToken> store,
    RevocationSignal signal) : OpenIddictTokenManager<OpenIddictEntityFrameworkCoreToken>(cache, logger, options, store)
{
    public override async ValueTask DeleteAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default)
    {
        await base.DeleteAsync(token, cancellationToken);
        await signal.TokensChangedAsync();
    }

    public override async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken = default) =>
        await SignalAsync(await base.RevokeAsync(subject, client, status, type, cancellationToken));

    public override async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        await SignalAsync(await base.RevokeByApplicationIdAsync(identifier, cancellationToken));

    public override async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken = default) =>
        await SignalAsync(await base.RevokeByAuthorizationIdAsync(identifier, cancellationToken));

    public override async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken = default) =>
        await SignalAsync(await base.RevokeBySubjectAsync(subject, cancellationToken));

    public override async ValueTask<bool> TryRedeemAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default) =>
        await SignalAsync(await base.TryRedeemAsync(token, cancellationToken));

    public override async ValueTask<bool> TryRejectAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default) =>
        await SignalAsync(await base.TryRejectAsync(token, cancellationToken));

    public override async ValueTask<bool> TryRevokeAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default) =>
        await SignalAsync(await base.TryRevokeAsync(token, cancellationToken));

    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default)
    {
        await base.UpdateAsync(token, cancellationToken);
        await signal.TokensChangedAsync();
    }

    private async Task<T> SignalAsync<T>(T result)
    {
        await signal.TokensChangedAsync();
        return result;
    }
}
