using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ModularEmr.Host.Accounts;
using ModularEmr.Host.Data;
using ModularEmr.Host.Data.Postgres;
using ModularEmr.Host.Data.Shared;
using ModularEmr.Host.Data.Writes;
using ModularEmr.Host.Demo;
using ModularEmr.Host.Hosting.Health;
using ModularEmr.Host.Hosting.Home;
using ModularEmr.Host.Hosting.Localization;
using ModularEmr.Host.Hosting.Telemetry;
using ModularEmr.Host.Modules;
using ModularEmr.Host.Records;
using ModularEmr.Host.Records.Search;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Host.Hosting;

/// <summary>What the built host is for: serving requests, or an admin command that must not be blocked.</summary>
internal enum HostPurpose
{
    Serve,
    AdminCommand,
}

/// <summary>How an embedding (the tests) adjusts the host: the builder before modules, services after them.</summary>
internal sealed record HostCustomization(Action<WebApplicationBuilder>? Builder = null, Action<IServiceCollection>? Services = null);

/// <summary>
/// Builds the host: reads the module catalog, loads each module in its own load context, lets them
/// register services, prepares the database, installs or upgrades modules, seeds demo data, and maps
/// the pipeline. The same path serves <c>dotnet run</c>, the admin CLI and the tests.
/// </summary>
internal static partial class EmrHost
{
    public static async Task<WebApplication> BuildAsync(
        string[] args,
        HostPurpose purpose = HostPurpose.Serve,
        HostCustomization? customization = null,
        CancellationToken cancellationToken = default)
    {
        // appsettings.json (log levels, the lockout policy) is read beside the executable, not from wherever
        // it was started: a published host started by systemd or from a shell elsewhere keeps its settings.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = EmrSettings.NormalizeArguments(args), ContentRootPath = AppContext.BaseDirectory });
        customization?.Builder?.Invoke(builder);
        var settings = EmrSettings.From(builder.Configuration, builder.Environment);
        if (purpose == HostPurpose.Serve && settings.PublicOrigin is null && !builder.Environment.IsDevelopment())
        {
            // Without it, the issuer and every link would follow the Host header a client sends.
            throw new StartupException(PublicOrigin.Missing(builder.Environment.EnvironmentName));
        }

        PrepareDataDirectory(settings.DataDirectory);

        var catalog = ModuleCatalog.Read(settings.ModulesFile, SdkInfo.Version);
        var loaded = catalog.LoadOrder.Select(LoadedModule.Load).ToList();
        var registry = new ModuleRegistry(catalog, loaded);

        // The core tables come first: modules read their keys from them while they register services. Until
        // the modules are installed and the demo data seeded, no other instance migrates or installs.
        var database = CreateDatabase(settings);
        try
        {
            return await BuildOnAsync(builder, settings, catalog, loaded, registry, database, purpose, customization, cancellationToken);
        }
        catch
        {
            // Until the host is built and owns it, nobody else closes the provider's connections.
            await database.DisposeAsync();
            throw;
        }
    }

    private static async Task<WebApplication> BuildOnAsync(
        WebApplicationBuilder builder,
        EmrSettings settings,
        ModuleCatalog catalog,
        List<LoadedModule> loaded,
        ModuleRegistry registry,
        EmrDatabaseProvider database,
        HostPurpose purpose,
        HostCustomization? customization,
        CancellationToken cancellationToken)
    {
        await database.PrepareAsync(cancellationToken);
        await using var migrating = await database.HoldMigrationLockAsync(cancellationToken);
        await MigrateCoreAsync(database, cancellationToken);

        AddCoreServices(builder, settings, registry, database);
        builder.AddEmrTelemetry();
        foreach (var module in loaded)
        {
            var context = new ModuleContext(module.Catalog.Descriptor, module.Catalog.Settings, builder.Configuration, builder.Environment, settings.Demo, settings.DataDirectory)
            {
                Keys = database.IsShared ? new DatabaseModuleKeyStore(database, module.Id, TimeProvider.System) : new FileModuleKeyStore(settings.DataDirectory, module.Id),
            };
            try
            {
                var registeredBefore = builder.Services.Count;
                using (module.EnterContextualReflection())
                {
                    module.Instance.ConfigureServices(builder.Services, context);
                }

                ModuleMigrationCheck.Require(module, builder.Services.Skip(registeredBefore));
            }
            catch (ModuleSettingsException ex)
            {
                throw new ModuleConfigurationException(catalog.ModulesFile, module.Id, ex.Message.Replace($"settings of module '{module.Id}' are invalid", "settings are invalid", StringComparison.Ordinal), ex);
            }
        }

        customization?.Services?.Invoke(builder.Services);
        var app = builder.Build();
        _ = app.Services.GetRequiredService<EmrDatabaseProvider>(); // now the container owns it (see AddCoreServices)

        foreach (var module in loaded.Where(m => m.SharedAssemblyCopies.Count > 0))
        {
            PrivateCopiesIgnored(app.Logger, module.Id, string.Join(", ", module.SharedAssemblyCopies), SdkInfo.Version.ToString());
        }

        var installer = app.Services.GetRequiredService<ModuleInstaller>();
        foreach (var module in loaded)
        {
            await installer.InstallOrUpgradeAsync(module, settings.Demo, cancellationToken);
        }

        if (purpose == HostPurpose.Serve)
        {
            await PrepareAccountsAsync(app.Services, loaded, settings, cancellationToken);
        }

        ConfigurePipeline(app, loaded, settings);
        EndpointProtection.Check(app, catalog.ModulesFile);
        return app;
    }

    private static EmrDatabaseProvider CreateDatabase(EmrSettings settings) => settings.DatabaseProvider switch
    {
        PostgresEmrDatabase.Provider => new PostgresEmrDatabase(settings.ConnectionString!),
        _ => new SqliteEmrDatabase(settings.DatabaseFile),
    };

    private static void AddCoreServices(WebApplicationBuilder builder, EmrSettings settings, ModuleRegistry registry, EmrDatabaseProvider database)
    {
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(registry);
        services.AddSingleton<IPublicOrigin>(new PublicOrigin(settings.PublicOrigin));
        AddRequestOriginServices(services, settings);
        // A factory, not an instance: the container then owns the provider and disposes it with the host.
        services.AddSingleton(_ => database);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CoreWrites>();
        services.AddSingleton<RecentPatients>();
        switch (database)
        {
            case SqliteEmrDatabase sqlite:
                services.AddSingleton(sqlite);
                services.AddSingleton<SqliteRecordWriter>();
                services.AddSingleton<IRecordWriter>(provider => provider.GetRequiredService<SqliteRecordWriter>());
                services.AddSingleton<IChangeSignals, LocalChangeSignals>();
                break;
            case PostgresEmrDatabase postgres:
                services.AddSingleton(postgres);
                services.AddSingleton<IRecordWriter, PostgresRecordWriter>();
                services.AddHttpContextAccessor();
                services.AddSingleton<DatabaseChangeSignals>();
                services.AddSingleton<IChangeSignals>(provider => provider.GetRequiredService<DatabaseChangeSignals>());
                break;
        }

        services.AddSingleton<IEmrDatabase, EmrDatabase>();
        // Pooled: every request resolves record services, and a fresh context costs more than a cached read.
        services.AddDbContextPool<CoreDbContext>(
            (provider, options) => database.Configure(options.AddInterceptors(provider.GetRequiredService<CoreWrites>()), CoreDbContext.MigrationsOwner));

        // Readiness reads a core table, not only opens a connection: SQLite opens any file, and a database
        // without the host's tables cannot serve a request either. A database that hangs fails after 5 s.
        services.AddHealthChecks().AddDbContextCheck<CoreDbContext>(
            HealthApi.Database, HealthStatus.Unhealthy, [HealthApi.Ready], async (db, cancellationToken) =>
            {
                await db.Users.Select(u => u.Id).FirstOrDefaultAsync(cancellationToken);
                return true;
            });
        services.Configure<HealthCheckServiceOptions>(options =>
            options.Registrations.Single(check => check.Name == HealthApi.Database).Timeout = TimeSpan.FromSeconds(5));

        services.AddOptions<AccountOptions>().Bind(builder.Configuration.GetSection(AccountOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddScoped<IUserAccounts, UserAccounts>();
        services.AddScoped<IUserSignIn, UserSignIn>();
        services.AddScoped<AccountAdministration>();
        services.AddScoped<IPersonRecords, PersonRecords>();
        services.AddScoped<IPatientRecords, PatientRecords>();
        services.AddSingleton<ScopeCatalog>();
        services.AddSingleton<IScopeCatalog>(provider => provider.GetRequiredService<ScopeCatalog>());
        services.AddScoped<DemoData>();
        services.AddSingleton<ModuleInstaller>();
        services.AddHostedService<ModuleLifecycleService>();

        // Cookie and antiforgery keys live in the data folder, so sessions survive a restart; on a shared
        // database they live in it, so a cookie or form made by one instance is read by every other.
        var dataProtection = services.AddDataProtection().SetApplicationName("ModularEmr");
        if (database.IsShared)
        {
            dataProtection.PersistKeysToDbContext<CoreDbContext>();
        }
        else
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(settings.DataDirectory, "keys", "data-protection")));
        }

        services.AddAuthentication(IUserSignIn.CookieScheme).AddCookie(IUserSignIn.CookieScheme, cookie =>
        {
            cookie.Cookie.Name = ".ModularEmr.Session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        services.AddAuthorization();
        services.AddAntiforgery(antiforgery => antiforgery.Cookie.Name = ".ModularEmr.Antiforgery");

        // Modules render their pages as Razor components (RazorComponentResult, static server rendering):
        // this registers the renderer and the antiforgery state <AntiforgeryToken /> writes from.
        services.AddRazorComponents();
        services.AddEmrLocalization();
        services.AddProblemDetails();
        services.AddCors();

        // A body that cannot be bound is the client's error (400), in every environment; Development's
        // default would throw it into the exception handler and answer 500.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
    }

    /// <summary>Security headers, host filtering and forwarded headers: what a request's origin may claim.</summary>
    private static void AddRequestOriginServices(IServiceCollection services, EmrSettings settings)
    {
        // First of the startup filters, so that it wraps ASP.NET Core's own host filtering as well.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, SecurityHeaders.StartupFilter>());

        // ASP.NET Core's host filtering (added by WebApplication.CreateBuilder, before everything else) takes
        // AllowedHosts from configuration ("*" in appsettings.json); with a public origin, only its host.
        if (settings.PublicOrigin is { } origin)
        {
            services.Configure<HostFilteringOptions>(options => options.AllowedHosts = PublicOrigin.AllowedHosts(origin));
        }

        var forwarded = settings.ForwardedHeaders ?? ForwardedHeadersSettings.None;
        services.Configure<ForwardedHeadersOptions>(forwarded.Configure);
    }

    private static void ConfigurePipeline(WebApplication app, IReadOnlyList<LoadedModule> loaded, EmrSettings settings)
    {
        // Before anything reads the scheme or the client's address (OpenIddict's HTTPS check, cookies, logs).
        if (settings.ForwardedHeaders is { TrustsAnyProxy: true })
        {
            app.UseForwardedHeaders();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestCharset>();
        app.UseRequestLocalization();
        app.UseRouting();
        // Which origins, on which paths, is the OAuth2 module's to say (registered clients); none without it.
        app.UseCors();

        // A module's requests run in its reflection context (see LoadedModule.EnterContextualReflection).
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ModuleEndpointMetadata>() is { } owner)
            {
                using (owner.Module.EnterContextualReflection())
                {
                    await next(context);
                }
            }
            else
            {
                await next(context);
            }
        });

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        foreach (var module in loaded)
        {
            using (module.EnterContextualReflection())
            {
                module.Instance.ConfigureMiddleware(app);
            }
        }

        app.MapHealth();
        app.MapMetrics();
        app.MapHostApi();
        app.MapHome();
        app.MapLanguageSwitch();
        foreach (var module in loaded)
        {
            var group = app.MapGroup(string.Empty).WithMetadata(new ModuleEndpointMetadata(module));
            using (module.EnterContextualReflection())
            {
                module.Instance.MapEndpoints(group);
            }
        }
    }

    private static async Task MigrateCoreAsync(EmrDatabaseProvider database, CancellationToken cancellationToken)
    {
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        database.Configure(options, CoreDbContext.MigrationsOwner);
        await using var db = new CoreDbContext(options.Options);
        await db.Database.MigrateAsync(cancellationToken);
        await SearchKeys.BackfillAsync(db, cancellationToken);
        await CoreMetadata.EnsureAsync(db, cancellationToken);
    }

    private static async Task PrepareAccountsAsync(IServiceProvider services, IReadOnlyList<LoadedModule> loaded, EmrSettings settings, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        if (!settings.Demo)
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountAdministration>();
            foreach (var (username, password) in DemoData.Accounts)
            {
                if (await accounts.HasPasswordAsync(username, password, cancellationToken))
                {
                    throw new StartupException(
                        $"user '{username}' still has its demo password; outside Development and --demo the host will not start until it is changed: ModularEmr.Host users set-password {username}");
                }
            }

            return;
        }

        await scope.ServiceProvider.GetRequiredService<DemoData>().SeedAsync(cancellationToken);
        foreach (var module in loaded)
        {
            using (module.EnterContextualReflection())
            {
                await module.Instance.SeedDemoDataAsync(scope.ServiceProvider, cancellationToken);
            }
        }
    }

    /// <summary>The data folder holds the database and keys: only its owner may read it.</summary>
    private static void PrepareDataDirectory(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"data folder {path} cannot be created: {ex.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Module '{ModuleId}' carries its own {Files} beside its assembly; the host's are loaded instead (sdk {SdkVersion}), so these copies are never used. Build the module against the ModularEmr.Sdk package, whose build files leave them out.")]
    private static partial void PrivateCopiesIgnored(ILogger logger, string moduleId, string files, string sdkVersion);
}
