using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.IdentityModel.Tokens;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Pages;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Modules.OAuth2.Registration;
using ModularEmr.Modules.OAuth2.Validation;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Security;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>
/// Client registration: the rules a client must meet, its OpenIddict application (secret hashed,
/// permissions, PKCE requirement) and its registration record, kept together.
/// </summary>
public sealed class ClientRegistrations(
    IOpenIddictApplicationManager applications,
    IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations,
    OAuth2DbContext db,
    IScopeCatalog scopeCatalog,
    IUserAccounts accounts,
    RevocationSignal signal,
    TimeProvider clock)
{
    private static readonly string[] KnownGrants = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials, GrantTypes.Implicit, GrantTypes.Password];
    private static readonly Dictionary<string, ClientKind> Kinds = new(StringComparer.Ordinal)
    {
        ["confidential-web"] = ClientKind.ConfidentialWeb,
        ["confidential-asymmetric"] = ClientKind.ConfidentialAsymmetric,
        ["public-browser"] = ClientKind.PublicBrowser,
        ["public-native"] = ClientKind.PublicNative,
    };

    public static string KindName(ClientKind kind) => Kinds.Single(k => k.Value == kind).Key;

    /// <summary>The clients <paramref name="developer"/> may see: their own, or all for a System Developer.</summary>
    public async Task<IReadOnlyList<ClientView>> ListAsync(EmrUser developer, CancellationToken cancellationToken)
    {
        var query = db.ClientRegistrations.AsNoTracking();
        if (!developer.Roles.Contains(CoreRoles.SystemDeveloper))
        {
            query = query.Where(r => r.OwnerUuid == developer.Uuid);
        }

        var views = new List<ClientView>();
        foreach (var registration in await query.OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken))
        {
            if (await applications.FindByClientIdAsync(registration.ClientId, cancellationToken) is { } application)
            {
                views.Add(await ViewAsync(application, registration, cancellationToken));
            }
        }

        return views;
    }

    /// <summary>The client, if <paramref name="developer"/> owns it (or is a System Developer); else null, as if it did not exist.</summary>
    public async Task<ClientView?> FindAsync(EmrUser developer, string clientId, CancellationToken cancellationToken) =>
        await FindOwnedAsync(developer, clientId, cancellationToken) is { } found ? await ViewAsync(found.Application, found.Registration, cancellationToken) : null;

    public Task<ClientWithSecret> RegisterAsync(EmrUser developer, ClientRegistrationRequest request, CancellationToken cancellationToken, string? clientId = null, string? secret = null) =>
        RegisterAsync(developer.Uuid, request, dynamic: null, cancellationToken, clientId, secret);

    /// <summary>
    /// Registers a client for <paramref name="ownerUuid"/> (none: an open dynamic registration). A dynamic
    /// registration's guard runs first inside the transaction: when it refuses, nothing is written and
    /// <see cref="RegistrationAccessRefusedException"/> is thrown.
    /// </summary>
    public async Task<ClientWithSecret> RegisterAsync(Guid? ownerUuid, ClientRegistrationRequest request, DynamicRegistration? dynamic, CancellationToken cancellationToken, string? clientId = null, string? secret = null)
    {
        var valid = await ValidateAsync(request, cancellationToken);
        clientId ??= "emr-" + OpaqueToken.Create(12).ToLowerInvariant();
        secret = valid.Kind == ClientKind.ConfidentialWeb ? secret ?? OpaqueToken.Create(32) : null;

        var descriptor = Describe(valid, clientId);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (dynamic?.Guard is { } guard && !await guard(cancellationToken))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw new RegistrationAccessRefusedException();
        }

        descriptor.ClientSecret = secret;
        await applications.CreateAsync(descriptor, cancellationToken);
        db.ClientRegistrations.Add(new ClientRegistration
        {
            ClientId = clientId,
            OwnerUuid = ownerUuid ?? ClientRegistration.NoOwner,
            Description = valid.Request.Description,
            Website = valid.Request.Website,
            LaunchUri = valid.Request.LaunchUri,
            Jwks = valid.Request.Jwks?.GetRawText(),
            AllowedOrigins = JoinOrigins(valid.Request.AllowedOrigins),
            Kind = valid.Kind,
            RegistrationTokenHash = dynamic?.RegistrationTokenHash,
            RegistrationMetadata = dynamic?.Metadata,
            TermsAcceptedAt = now,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await CommitAsync(transaction, cancellationToken);

        return new ClientWithSecret((await FindByIdAsync(clientId, cancellationToken))!, secret, valid.Warnings);
    }

    public async Task<ClientWithSecret?> UpdateAsync(EmrUser developer, string clientId, ClientRegistrationRequest request, CancellationToken cancellationToken) =>
        await FindOwnedAsync(developer, clientId, cancellationToken) is { } found
            ? await UpdateFoundAsync(found, request, dynamic: null, cancellationToken)
            : null;

    /// <summary>
    /// RFC 7592 §2.2: replaces a dynamically registered client's metadata, if <paramref name="tokenHash"/> is its
    /// registration access token. What RFC 7591 has no member for (description, launch URI, allowed origins) is
    /// kept as the portal set it. Null when the token does not fit the client.
    /// </summary>
    public async Task<ClientWithSecret?> UpdateRegisteredAsync(string clientId, string tokenHash, ClientRegistrationRequest request, string metadata, CancellationToken cancellationToken)
    {
        if (await FindAnyAsync(clientId, cancellationToken) is not { } found || found.Registration.RegistrationTokenHash != tokenHash)
        {
            return null;
        }

        request = request with
        {
            Description = found.Registration.Description,
            LaunchUri = found.Registration.LaunchUri,
            AllowedOrigins = SplitOrigins(found.Registration.AllowedOrigins),
        };
        return await UpdateFoundAsync(found, request, new DynamicRegistration(null, metadata, cancel => HoldRegistrationAsync(clientId, tokenHash, keep: true, cancel)), cancellationToken);
    }

    private async Task<ClientWithSecret> UpdateFoundAsync((object Application, ClientRegistration Registration) found, ClientRegistrationRequest request, DynamicRegistration? dynamic, CancellationToken cancellationToken)
    {
        var clientId = found.Registration.ClientId;
        var valid = await ValidateAsync(request, cancellationToken);
        if (valid.Kind != found.Registration.Kind && (IsConfidential(valid.Kind) || IsConfidential(found.Registration.Kind)))
        {
            throw new ClientRegistrationException("invalid_client_metadata", new ClientMessage("KindChange"));
        }

        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, found.Application, cancellationToken);
        var updated = Describe(valid, clientId);
        descriptor.DisplayName = updated.DisplayName;
        descriptor.RedirectUris.Clear();
        descriptor.RedirectUris.UnionWith(updated.RedirectUris);
        descriptor.Permissions.Clear();
        descriptor.Permissions.UnionWith(updated.Permissions);
        descriptor.Requirements.Clear();
        descriptor.Requirements.UnionWith(updated.Requirements);
        descriptor.JsonWebKeySet = updated.JsonWebKeySet;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (dynamic?.Guard is { } guard && !await guard(cancellationToken))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw new RegistrationAccessRefusedException();
        }

        await applications.PopulateAsync(found.Application, descriptor, cancellationToken);
        await ConcurrentlyAsync(transaction, () => applications.UpdateAsync(found.Application, cancellationToken));
        found.Registration.Description = valid.Request.Description;
        found.Registration.Website = valid.Request.Website;
        found.Registration.LaunchUri = valid.Request.LaunchUri;
        found.Registration.Jwks = valid.Request.Jwks?.GetRawText();
        found.Registration.AllowedOrigins = JoinOrigins(valid.Request.AllowedOrigins);
        found.Registration.Kind = valid.Kind;
        if (dynamic is not null)
        {
            found.Registration.RegistrationMetadata = dynamic.Metadata;
        }

        found.Registration.UpdatedAt = clock.GetUtcNow();
        await ConcurrentlyAsync(transaction, async () => await db.SaveChangesAsync(cancellationToken));
        await CommitAsync(transaction, cancellationToken);
        return new ClientWithSecret((await FindByIdAsync(clientId, cancellationToken))!, null, valid.Warnings);
    }

    /// <summary>The client registered dynamically under the registration access token whose hash is <paramref name="tokenHash"/>, or null.</summary>
    public async Task<(ClientView Client, string? Metadata)?> FindRegisteredAsync(string clientId, string tokenHash, CancellationToken cancellationToken) =>
        await FindAnyAsync(clientId, cancellationToken) is { } found && found.Registration.RegistrationTokenHash == tokenHash
            ? (await ViewAsync(found.Application, found.Registration, cancellationToken), found.Registration.RegistrationMetadata)
            : null;

    /// <summary>
    /// Inside a registration's write: takes the row's lock (on PostgreSQL; SQLite's writes are one at a time)
    /// while the registration access token still fits, and, unless <paramref name="keep"/>, ends the token.
    /// Of requests racing with one token, each then sees what the one before it committed.
    /// </summary>
    private async Task<bool> HoldRegistrationAsync(string clientId, string tokenHash, bool keep, CancellationToken cancellationToken) =>
        await db.ClientRegistrations
            .Where(r => r.ClientId == clientId && r.RegistrationTokenHash == tokenHash)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.RegistrationTokenHash, keep ? tokenHash : null), cancellationToken) == 1;

    /// <summary>RFC 7592 §2.2: a client_secret sent with an update must be the current one.</summary>
    public async Task<bool> IsCurrentSecretAsync(string clientId, string secret, CancellationToken cancellationToken) =>
        await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application
        && await applications.ValidateClientSecretAsync(application, secret, cancellationToken);

    /// <summary>A new secret, shown once; the old one stops working at once.</summary>
    public async Task<ClientWithSecret?> RotateSecretAsync(EmrUser developer, string clientId, CancellationToken cancellationToken)
    {
        if (await FindOwnedAsync(developer, clientId, cancellationToken) is not { } found)
        {
            return null;
        }

        if (found.Registration.Kind != ClientKind.ConfidentialWeb)
        {
            throw new ClientRegistrationException("invalid_client_metadata", new ClientMessage(found.Registration.Kind == ClientKind.ConfidentialAsymmetric ? "RotateKeys" : "RotatePublic"));
        }

        var secret = OpaqueToken.Create(32);
        await applications.UpdateAsync(found.Application, secret, cancellationToken);
        var registration = await db.ClientRegistrations.SingleAsync(r => r.ClientId == clientId, cancellationToken);
        registration.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return new ClientWithSecret((await FindByIdAsync(clientId, cancellationToken))!, secret, []);
    }

    /// <summary>Deletes the client with all its authorizations and tokens: its tokens die at once.</summary>
    public async Task<bool> DeleteAsync(EmrUser developer, string clientId, CancellationToken cancellationToken) =>
        await FindOwnedAsync(developer, clientId, cancellationToken) is { } found && await DeleteFoundAsync(found, guard: null, cancellationToken);

    /// <summary>RFC 7592 §2.3: deletes a dynamically registered client, if <paramref name="tokenHash"/> is still its registration access token.</summary>
    public async Task<bool> DeleteRegisteredAsync(string clientId, string tokenHash, CancellationToken cancellationToken) =>
        await FindAnyAsync(clientId, cancellationToken) is { } found
        && found.Registration.RegistrationTokenHash == tokenHash
        && await DeleteFoundAsync(found, cancel => HoldRegistrationAsync(clientId, tokenHash, keep: false, cancel), cancellationToken);

    private async Task<bool> DeleteFoundAsync((object Application, ClientRegistration Registration) found, Func<CancellationToken, Task<bool>>? guard, CancellationToken cancellationToken)
    {
        var applicationId = await applications.GetIdAsync(found.Application, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (guard is not null && !await guard(cancellationToken))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return false;
        }

        await tokens.RevokeByApplicationIdAsync(applicationId!, cancellationToken);
        await authorizations.RevokeByApplicationIdAsync(applicationId!, cancellationToken);
        await ConcurrentlyAsync(transaction, () => applications.DeleteAsync(found.Application, cancellationToken));
        db.ClientRegistrations.Remove(found.Registration);
        await ConcurrentlyAsync(transaction, async () => await db.SaveChangesAsync(cancellationToken));
        await CommitAsync(transaction, cancellationToken);
        return true;
    }

    /// <summary>
    /// The client was read before another request changed or deleted it (OpenIddict's concurrency token, EF's
    /// row count): this change is refused rather than written over the other, and nothing of it is kept.
    /// </summary>
    private static async Task ConcurrentlyAsync(IDbContextTransaction transaction, Func<ValueTask> write)
    {
        try
        {
            await write();
        }
        catch (Exception ex) when (ex is OpenIddictExceptions.ConcurrencyException or DbUpdateConcurrencyException)
        {
            // Rolled back here, not left to the transaction's disposal: SQLite's write gate is given back on a
            // rollback, and a disposal alone raises no event until the pooled connection closes.
            await transaction.RollbackAsync(CancellationToken.None);
            throw new ClientChangedConcurrentlyException(ex);
        }
    }

    /// <summary>
    /// Commits a change of a client, then announces it. The managers announce inside the transaction too,
    /// but a validation that runs between that announcement and the commit reads the old, committed state
    /// and would cache it under the new count: a deleted client's token would stay valid in the cache.
    /// Announcing again once the change is committed makes every verdict made before the commit stale.
    /// </summary>
    private async Task CommitAsync(IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(cancellationToken);
        await signal.ClientsChangedAsync();
    }

    /// <summary>DESIGN §8: Bob's two demo clients, with every declared scope; added or brought up to date.</summary>
    public async Task SeedDemoClientsAsync(CancellationToken cancellationToken)
    {
        if (await accounts.FindByUsernameAsync("bob", cancellationToken) is not { } bob)
        {
            return;
        }

        var scopes = (await scopeCatalog.ListAsync(cancellationToken)).Select(s => s.Scope.Name).ToList();
        var redirect = "http://127.0.0.1:5173/callback";
        var demos = new (string ClientId, string? Secret, ClientRegistrationRequest Request)[]
        {
            ("xyz-emr", "xyz-emr-secret", new ClientRegistrationRequest
            {
                Name = "XYZ EMR", Description = "XYZ hospital's EMR (demo)", Website = "https://xyz.example", ClientType = "confidential-web",
                RedirectUris = [redirect], GrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials, GrantTypes.Password],
                Scopes = scopes, AcceptTerms = true, AcceptDiscouragedGrants = true,
            }),
            ("xyz-spa", null, new ClientRegistrationRequest
            {
                Name = "XYZ Patient App", Description = "XYZ hospital's browser app (demo)", Website = "https://xyz.example", ClientType = "public-browser",
                LaunchUri = "http://127.0.0.1:5173/launch",
                AllowedOrigins = ["http://127.0.0.1:5173", "http://localhost:5173"],
                RedirectUris = [redirect, "http://localhost:5000" + FragmentExtractor.Path + "?client_id=xyz-spa"], GrantTypes = [GrantTypes.AuthorizationCode, GrantTypes.Implicit, GrantTypes.RefreshToken],
                Scopes = scopes, AcceptTerms = true, AcceptDiscouragedGrants = true,
            }),
        };

        foreach (var (clientId, secret, request) in demos)
        {
            if (await applications.FindByClientIdAsync(clientId, cancellationToken) is null)
            {
                await RegisterAsync(bob, request, cancellationToken, clientId, secret);
            }
            else
            {
                await UpdateAsync(bob, clientId, request, cancellationToken);
            }
        }
    }

    private async Task<(object Application, ClientRegistration Registration)?> FindOwnedAsync(EmrUser developer, string clientId, CancellationToken cancellationToken) =>
        await FindAnyAsync(clientId, cancellationToken) is { } found
        && (found.Registration.OwnerUuid == developer.Uuid || developer.Roles.Contains(CoreRoles.SystemDeveloper))
            ? found
            : null;

    private async Task<(object Application, ClientRegistration Registration)?> FindAnyAsync(string clientId, CancellationToken cancellationToken)
    {
        var registration = await db.ClientRegistrations.SingleOrDefaultAsync(r => r.ClientId == clientId, cancellationToken);
        var application = registration is null ? null : await applications.FindByClientIdAsync(clientId, cancellationToken);
        return application is null ? null : (application, registration!);
    }

    private async Task<ClientView?> FindByIdAsync(string clientId, CancellationToken cancellationToken) =>
        await FindAnyAsync(clientId, cancellationToken) is { } found ? await ViewAsync(found.Application, found.Registration, cancellationToken) : null;

    private async Task<ClientView> ViewAsync(object application, ClientRegistration registration, CancellationToken cancellationToken)
    {
        var permissions = await applications.GetPermissionsAsync(application, cancellationToken);
        return new ClientView(
            registration.ClientId,
            await applications.GetDisplayNameAsync(application, cancellationToken) ?? registration.ClientId,
            registration.Description,
            registration.Website,
            registration.LaunchUri,
            KindName(registration.Kind),
            (await applications.GetRedirectUrisAsync(application, cancellationToken)).Order(StringComparer.Ordinal).ToList(),
            KnownGrants.Where(g => permissions.Contains(Permissions.Prefixes.GrantType + g)).ToList(),
            permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.Scope.Length..]).Order(StringComparer.Ordinal).ToList(),
            registration.Jwks is null ? null : JsonNode.Parse(registration.Jwks)!.AsObject(),
            SplitOrigins(registration.AllowedOrigins),
            registration.OwnerUuid == ClientRegistration.NoOwner ? null : registration.OwnerUuid,
            registration.CreatedAt,
            registration.UpdatedAt);
    }

    private sealed record ValidRegistration(ClientRegistrationRequest Request, ClientKind Kind, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> Grants, IReadOnlyList<string> Scopes, IReadOnlyList<ClientMessage> Warnings);

    private async Task<ValidRegistration> ValidateAsync(ClientRegistrationRequest request, CancellationToken cancellationToken)
    {
        static ClientRegistrationException Invalid(ClientMessage text) => new("invalid_client_metadata", text);

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100)
        {
            throw Invalid(new("NameRequired"));
        }

        if (request.Description?.Length > 1000)
        {
            throw Invalid(new("DescriptionLength"));
        }

        if (!string.IsNullOrWhiteSpace(request.Website)
            && (!Uri.TryCreate(request.Website, UriKind.Absolute, out var website) || website.Scheme is not ("https" or "http") || request.Website.Length > 500))
        {
            throw Invalid(new("WebsiteUrl"));
        }

        if (!string.IsNullOrWhiteSpace(request.LaunchUri))
        {
            var problem = request.LaunchUri.Length > 1000 ? new ClientMessage("LaunchUriLength") : RedirectUriProblem(request.LaunchUri, ClientKind.ConfidentialWeb);
            if (problem is not null)
            {
                throw Invalid(new("LaunchUriProblem", problem));
            }

            request = request with { LaunchUri = request.LaunchUri.Trim() };
        }
        else
        {
            request = request with { LaunchUri = null };
        }

        if (!request.AcceptTerms)
        {
            throw Invalid(new("TermsRequired"));
        }

        if (request.ClientType is null || !Kinds.TryGetValue(request.ClientType, out var kind))
        {
            throw Invalid(new("ClientTypeUnknown", string.Join(", ", Kinds.Keys)));
        }

        request = request with { Jwks = ClientKeys.Validate(request.Jwks, kind), AllowedOrigins = WebOrigins.Validate(request.AllowedOrigins) };

        var grants = (request.GrantTypes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (grants.Count == 0 || grants.Any(g => !KnownGrants.Contains(g)))
        {
            throw Invalid(new("GrantTypesUnknown", string.Join(", ", KnownGrants)));
        }

        var warnings = new List<ClientMessage>();
        if (grants.Contains(GrantTypes.Implicit) || grants.Contains(GrantTypes.Password))
        {
            if (!request.AcceptDiscouragedGrants)
            {
                throw Invalid(new("DiscouragedGrants"));
            }

            warnings.Add(new ClientMessage("DiscouragedGrantsWarning"));
        }

        if (!IsConfidential(kind) && (grants.Contains(GrantTypes.ClientCredentials) || grants.Contains(GrantTypes.Password)))
        {
            // RFC 6749 §4.4 and RFC 9700 §2.4: a public client cannot authenticate itself.
            throw Invalid(new("PublicNoSecretGrants"));
        }

        if (grants.Contains(GrantTypes.RefreshToken) && !grants.Contains(GrantTypes.AuthorizationCode) && !grants.Contains(GrantTypes.Password))
        {
            throw Invalid(new("RefreshNeedsGrant"));
        }

        // A JSON null in the list reads as an empty URI, refused below like any other malformed one.
        var redirectUris = (request.RedirectUris ?? []).Select(u => u?.Trim() ?? string.Empty).Distinct(StringComparer.Ordinal).ToList();
        var redirects = grants.Contains(GrantTypes.AuthorizationCode) || grants.Contains(GrantTypes.Implicit);
        if (redirects && redirectUris.Count == 0)
        {
            throw new ClientRegistrationException("invalid_redirect_uri", new ClientMessage("RedirectRequired"));
        }

        foreach (var uri in redirectUris)
        {
            if (RedirectUriProblem(uri, kind) is { } problem)
            {
                throw new ClientRegistrationException("invalid_redirect_uri", new ClientMessage("RedirectProblem", uri, problem));
            }
        }

        var offered = (await scopeCatalog.ListAsync(cancellationToken)).Select(s => s.Scope.Name).ToHashSet(StringComparer.Ordinal);
        var scopes = (request.Scopes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.FirstOrDefault(s => !offered.Contains(s)) is { } unknownScope)
        {
            throw Invalid(new("ScopeNotOffered", unknownScope, string.Join(" ", offered.Order(StringComparer.Ordinal))));
        }

        return new ValidRegistration(request with { Name = request.Name.Trim() }, kind, redirectUris, grants, scopes, warnings);
    }

    /// <summary>RFC 9700 §2.1 and §4.1.3: exact, absolute, no fragment; https except loopback; custom schemes for native apps (RFC 8252 §7.1).</summary>
    private static ClientMessage? RedirectUriProblem(string value, ClientKind kind)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || value.Length > 2000)
        {
            return new("RedirectAbsolute");
        }

        if (!string.IsNullOrEmpty(uri.Fragment) || value.Contains('#', StringComparison.Ordinal))
        {
            return new("RedirectFragment");
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            return uri.IsLoopback ? null : new("RedirectHttps");
        }

        return kind == ClientKind.PublicNative && uri.Scheme.Contains('.', StringComparison.Ordinal)
            ? null
            : new("RedirectScheme");
    }

    private static OpenIddictApplicationDescriptor Describe(ValidRegistration valid, string clientId)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            DisplayName = valid.Request.Name,
            ClientType = IsConfidential(valid.Kind) ? ClientTypes.Confidential : ClientTypes.Public,
            ApplicationType = valid.Kind == ClientKind.PublicNative ? ApplicationTypes.Native : ApplicationTypes.Web,
            ConsentType = ConsentTypes.Explicit,
        };

        foreach (var uri in valid.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.Endpoints.EndSession]);
        if (IsConfidential(valid.Kind))
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        }

        if (valid.Request.Jwks is { } jwks)
        {
            descriptor.JsonWebKeySet = new JsonWebKeySet(jwks.GetRawText());
        }

        foreach (var grant in valid.Grants)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.GrantType + grant);
        }

        if (valid.Grants.Contains(GrantTypes.AuthorizationCode) || valid.Grants.Contains(GrantTypes.Implicit))
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Authorization);
        }

        if (valid.Grants.Contains(GrantTypes.AuthorizationCode))
        {
            descriptor.Permissions.Add(Permissions.ResponseTypes.Code);
        }

        if (valid.Grants.Contains(GrantTypes.Implicit))
        {
            descriptor.Permissions.UnionWith([Permissions.ResponseTypes.Token, Permissions.ResponseTypes.IdTokenToken, Permissions.ResponseTypes.IdToken]);
        }

        foreach (var scope in valid.Scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        if (!IsConfidential(valid.Kind))
        {
            // RFC 9700 §2.1.1: public clients must use PKCE.
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        return descriptor;
    }

    private static string? JoinOrigins(IReadOnlyList<string>? origins) => origins is { Count: > 0 } ? string.Join(' ', origins) : null;

    internal static IReadOnlyList<string> SplitOrigins(string? origins) => origins?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    private static bool IsConfidential(ClientKind kind) => kind is ClientKind.ConfidentialWeb or ClientKind.ConfidentialAsymmetric;

}
