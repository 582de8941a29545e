using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Keys;
using ModularEmr.Modules.OAuth2.Registration;
using ModularEmr.Modules.OAuth2.Smart;
using ModularEmr.Modules.OAuth2.Telemetry;
using ModularEmr.Modules.OAuth2.Validation;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>How OpenIddict is set up for this server (URLs of DESIGN §6, rules of RFC 6749 and RFC 9700).</summary>
public static class OAuth2ServerRegistration
{
    public const string AuthorizeUri = "/ws/oauth2/authorize";
    public const string TokenUri = "/ws/oauth2/token";
    public const string AccessTokenUri = "/ws/oauth2/access_token";
    public const string RevokeUri = "/ws/oauth2/revoke";
    public const string IntrospectUri = "/ws/oauth2/introspect";
    public const string UserInfoUri = "/ws/oauth2/userinfo";
    public const string LogoutUri = "/ws/oauth2/logout";

    public static IServiceCollection AddOAuth2Server(this IServiceCollection services, OAuth2Options options, ServerKeys keys, bool requireHttps)
    {
        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<OAuth2DbContext>();
                core.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, CachingApplicationManager>();
                core.ReplaceTokenManager<OpenIddictEntityFrameworkCoreToken, SignallingTokenManager>();
                core.ReplaceTokenStore<OpenIddictEntityFrameworkCoreToken, GroupCommitTokenStore>(ServiceLifetime.Scoped);
                // Clients are remembered by KnownClients and validated tokens by ValidatedTokens, both
                // erased on any change; OpenIddict's own entity cache would only add work to each token.
                core.DisableEntityCaching();
            })
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(AuthorizeUri)
                    .SetTokenEndpointUris(TokenUri, AccessTokenUri)
                    .SetRevocationEndpointUris(RevokeUri)
                    .SetIntrospectionEndpointUris(IntrospectUri)
                    .SetUserInfoEndpointUris(UserInfoUri)
                    .SetEndSessionEndpointUris(LogoutUri)
                    .SetConfigurationEndpointUris("/.well-known/openid-configuration")
                    .SetJsonWebKeySetEndpointUris("/.well-known/jwks");

                // Every grant is available to the server; each client may use only those it was registered for.
                server.AllowAuthorizationCodeFlow()
                    .AllowImplicitFlow()
                    .AllowPasswordFlow()
                    .AllowClientCredentialsFlow()
                    .AllowRefreshTokenFlow();

                server.SetAccessTokenLifetime(TimeSpan.FromSeconds(options.AccessTokenLifetimeSeconds))
                    .SetAuthorizationCodeLifetime(TimeSpan.FromSeconds(options.AuthorizationCodeLifetimeSeconds))
                    .SetIdentityTokenLifetime(TimeSpan.FromSeconds(options.IdentityTokenLifetimeSeconds))
                    .SetRefreshTokenLifetime(TimeSpan.FromDays(options.RefreshTokenLifetimeDays))
                    // RFC 9700 §4.14.2: a refresh token used twice means it leaked; no grace period.
                    .SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // The first encryption credentials encrypt new tokens, with the key itself as content key
                // (no per-token key wrap: 48 AES block operations saved on every token); the other keys
                // still decrypt tokens issued before.
                server.AddSigningKey(keys.TokenSigning).AddSigningKey(keys.Signing)
                    .AddEncryptionCredentials(new EncryptingCredentials(keys.TokenEncryption, JwtConstants.DirectKeyUseAlg, SecurityAlgorithms.Aes256CbcHmacSha512))
                    .AddEncryptionKey(keys.AccessTokenEncryption).AddEncryptionKey(keys.Encryption);

                // Scopes come from the modules' declarations at run time (ScopeRules), not a fixed list.
                server.DisableScopeValidation();
                server.RegisterClaims(Claims.Subject, Claims.Name, Claims.PreferredUsername, EmrClaims.FhirUser, EmrClaims.Patient);
                server.RegisterScopes([.. OAuth2Scopes.Declared.Select(s => s.Name)]);

                // RFC 9700 §2.1.1: only S256; "plain" gives no protection when the request leaks.
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));

                server.AddEventHandler(RefuseUnreadableForm<OpenIddictServerEvents.ExtractAuthorizationRequestContext>.Descriptor)
                    .AddEventHandler(RefuseUnreadableForm<OpenIddictServerEvents.ExtractTokenRequestContext>.Descriptor)
                    .AddEventHandler(RefuseUnreadableForm<OpenIddictServerEvents.ExtractIntrospectionRequestContext>.Descriptor)
                    .AddEventHandler(RefuseUnreadableForm<OpenIddictServerEvents.ExtractRevocationRequestContext>.Descriptor)
                    .AddEventHandler(RefuseUnreadableForm<OpenIddictServerEvents.ExtractEndSessionRequestContext>.Descriptor)
                    .AddEventHandler(RefuseUnreadableForm<OpenIddictServerEvents.ExtractUserInfoRequestContext>.Descriptor);
                server.AddEventHandler(ValidateCodeChallengeFormat.Descriptor)
                    .AddEventHandler(BurnCodeOnFailedRedemption.Descriptor)
                    .AddEventHandler(OnlyIntrospectionOfOwnTokens.Descriptor)
                    .AddEventHandler(OnlyRevocationOfOwnTokens.Descriptor)
                    .AddEventHandler(RefuseOversizedAuthorizationRequest.Descriptor);
                server.AddEventHandler(ScopeRules.ForAuthorization);
                server.AddEventHandler(ScopeRules.ForToken);
                server.AddEventHandler(ScopeInTokenResponse.Descriptor);
                server.AddEventHandler(CountTokenResponses.Descriptor);
                server.AddEventHandler(PublicOriginRequestUri.Descriptor);
                server.AddEventHandler(RefuseForeignAudience.Descriptor)
                    .AddEventHandler(RequireUsableLaunch.Descriptor)
                    .AddEventHandler(ClientAssertionRules.Descriptor)
                    .AddEventHandler(AcceptSmartClientAssertions.Descriptor)
                    .AddEventHandler(AcceptSmartClientAssertions.TypeDescriptor)
                    .AddEventHandler(ClientAssertionRefusalsAreInvalidClient.Descriptor)
                    .AddEventHandler(LaunchContextInTokenResponse.Descriptor)
                    .AddEventHandler(LaunchContextInIntrospection.Descriptor)
                    .AddEventHandler(RegistrationEndpointInDiscovery.Descriptor);

                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableErrorPassthrough();
                if (!requireHttps)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                // A token is valid only while its entry is: revocation is seen at once, for the price of
                // one primary-key lookup. Revoking an authorization or deleting a client revokes its
                // token entries too (UserAuthorizations, ClientRegistrations, OpenIddict's replay
                // detection), so the authorization entry need not be read again on every request.
                validation.EnableTokenEntryValidation();
            });

        services.AddSingleton<ServerHandlerIndex>();
        services.AddSingleton<SmartResourceServers>();
        services.AddScoped<EhrLaunches>();
        services.AddSingleton<RegisteredOrigins>();
        services.AddCors();
        services.Replace(ServiceDescriptor.Singleton<ICorsPolicyProvider, ClientOriginsCorsPolicy>());
        services.Replace(ServiceDescriptor.Scoped<IOpenIddictServerDispatcher, ServerEventDispatcher>());
        return services;
    }
}
