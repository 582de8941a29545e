using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModularEmr.Modules.OAuth2.Accounts;
using ModularEmr.Modules.OAuth2.Authorizations;
using ModularEmr.Modules.OAuth2.Clients;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Keys;
using ModularEmr.Modules.OAuth2.Pages;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Modules.OAuth2.Registration;
using ModularEmr.Modules.OAuth2.Smart;
using ModularEmr.Modules.OAuth2.Telemetry;
using ModularEmr.Modules.OAuth2.Validation;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;
using OpenIddict.Server;

namespace ModularEmr.Modules.OAuth2;

/// <summary>
/// The OAuth 2.0 authorization server (OpenIddict) for EMR clients: client registration, the
/// authorization-code, implicit, password, client-credentials and refresh-token grants, consent and
/// revocation, and <see cref="IOAuth2Service"/> for the other modules.
/// </summary>
public sealed class OAuth2Module : EmrModule
{
    public const string ClientDeveloperRole = "Client Developer";
    public const string ManageClientsPrivilege = "Manage OAuth2 Client Registrations";

    public override void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        services.AddModuleOptions<OAuth2Options>(context);
        services.AddModuleDbContext<OAuth2DbContext>(context);
        services.AddScopeTexts(context, typeof(ScopeText));
        services.AddSingleton<ScopeLocalizer>();
        var options = new OAuth2Options();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(context.Settings, options);
        var keys = ServerKeys.LoadOrCreate(context.Keys);
        services.AddSingleton(keys);
        services.AddOAuth2Server(options, keys, requireHttps: options.RequireHttps ?? !context.IsDemo);
        services.AddHomeLink(new HomeLink("HomeSignIn", LoginPage.Path + "?returnUrl=%2F", "HomeSignInText") { Audience = HomeLinkAudience.SignedOut, Texts = typeof(PageText) });
        services.AddHomeLink(new HomeLink("HomeApps", AuthorizedAppsApi.PagePath, "HomeAppsText") { Audience = HomeLinkAudience.SignedIn, Texts = typeof(PageText) });
        services.AddHomeLink(new HomeLink("HomePortal", ClientPortal.Path, "HomePortalText")
        {
            Audience = HomeLinkAudience.SignedIn,
            Privilege = ManageClientsPrivilege,
            Texts = typeof(PageText),
        });
        services.AddHomeLink(new HomeLink("HomeSignOut", OAuth2ServerRegistration.LogoutUri, "HomeSignOutText") { Audience = HomeLinkAudience.SignedIn, Texts = typeof(PageText) });

        // The issuer (and so the discovery document, every URL in it and the iss of each token) is the
        // configured public origin, never the Host header of a request; without one (Development only)
        // OpenIddict derives it from each request, as it always has.
        services.AddOptions<OpenIddictServerOptions>().Configure<IPublicOrigin>((server, origin) =>
        {
            if (origin.Configured is { } issuer)
            {
                server.Issuer = issuer;
            }
        });

        services.AddScoped<IOAuth2Service, OAuth2Service>();
        services.AddSingleton<TokenDiagnosis>();
        services.AddSingleton<OAuth2Metrics>();
        services.AddSingleton<RevocationSignal>();
        services.AddSingleton<ValidatedTokens>();
        services.AddSingleton<VerifiedSecrets>();
        services.AddSingleton<KnownClients>();
        services.AddSingleton<TokenEntryWriter>();
        services.AddScoped<ClientRegistrations>();
        services.AddScoped<InitialAccessTokens>();
        services.AddAdminCommand<InitialAccessTokenCommand>();
        services.AddScoped<UserAuthorizations>();
        services.AddScoped<RequestAuthentication>();
        services.AddSingleton<PasswordGrantThrottle>();

        // OpenIddict's dispatcher echoes each request at Information; it redacts codes and secrets but
        // not everything (a PKCE code_verifier, for one). Protocol traffic stays out of the logs.
        services.Configure<LoggerFilterOptions>(logging => logging.AddFilter("OpenIddict.Server.OpenIddictServerDispatcher", LogLevel.Warning));

        // The host's sign-in cookie sends people to this module's login page.
        services.Configure<CookieAuthenticationOptions>(IUserSignIn.CookieScheme, cookie =>
        {
            cookie.LoginPath = LoginPage.Path;
            cookie.LogoutPath = "/ws/oauth2/logout";
            cookie.ReturnUrlParameter = "returnUrl";
        });
    }

    public override async Task InstallAsync(IModuleInstallContext context, CancellationToken cancellationToken)
    {
        await context.MigrateAsync<OAuth2DbContext>(cancellationToken);
        await context.EnsurePrivilegeAsync(ManageClientsPrivilege, "Able to register, edit and delete OAuth2 client applications", cancellationToken);
        await context.EnsureRoleAsync(ClientDeveloperRole, "Developers of applications that use this system through OAuth2", [ManageClientsPrivilege], cancellationToken);
        foreach (var scope in OAuth2Scopes.Declared)
        {
            await context.DeclareScopeAsync(scope, cancellationToken);
        }
    }

    public override Task SeedDemoDataAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<ClientRegistrations>().SeedDemoClientsAsync(cancellationToken);

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAuthorizationEndpoint();
        endpoints.MapTokenEndpoint();
        endpoints.MapSmartStyleApi();
        endpoints.MapEhrLaunchApi();
        endpoints.MapUserInfoAndLogout();
        endpoints.MapLoginPage();
        endpoints.MapPageAssets();
        endpoints.MapFragmentExtractor();
        endpoints.MapClientRegistrationApi();
        endpoints.MapDynamicRegistrationApi();
        endpoints.MapClientPortal();
        endpoints.MapAuthorizedAppsApi();
        endpoints.MapAuthorizedAppsPage();
    }
}
