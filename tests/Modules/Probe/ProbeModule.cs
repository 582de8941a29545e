using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Tests.Modules.Probe;

/// <summary>Records each hook the host calls in its own table, and serves endpoints that show it.</summary>
public sealed class ProbeModule : EmrModule
{
    public const string Privilege = "Probe Things";
    public const string Role = "Probe Keeper";
    public const string Scope = "probe.read";

    public override void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        services.AddModuleOptions<ProbeOptions>(context);
        services.AddModuleDbContext<ProbeDbContext>(context);
    }

    public override async Task InstallAsync(IModuleInstallContext context, CancellationToken cancellationToken)
    {
        await context.EnsurePrivilegeAsync(Privilege, "Able to probe things", cancellationToken);
        await context.EnsureRoleAsync(Role, "Keeps the probe", [Privilege], cancellationToken);
        await context.DeclareScopeAsync(new ScopeDeclaration(Scope, "Read probes", "Read what the probe recorded."), cancellationToken);
        await context.MigrateAsync<ProbeDbContext>(cancellationToken);
        await RecordAsync(context, $"install {context.Module.Version}", cancellationToken);

        var options = context.Services.GetRequiredService<IOptions<ProbeOptions>>().Value;
        if (options.FailInstall)
        {
            throw new InvalidOperationException("the probe was told to fail its install");
        }
    }

    public override async Task UpgradeAsync(IModuleInstallContext context, SemanticVersion installedVersion, CancellationToken cancellationToken)
    {
        await context.MigrateAsync<ProbeDbContext>(cancellationToken);
        await RecordAsync(context, $"upgrade {installedVersion} -> {context.Module.Version}", cancellationToken);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        var probe = endpoints.MapGroup("/ws/probe");
        probe.MapGet("/events", async (ProbeDbContext db) =>
            Results.Ok(await db.Events.OrderBy(e => e.Id).Select(e => e.What).ToListAsync()));
        probe.MapGet("/greeting", (IOptions<ProbeOptions> options) => Results.Ok(options.Value.Greeting));

        // Loads this module's own assembly by name from code that lives in the default load context
        // (a compiled expression is hosted there), as Hl7.Fhir's model inspector does. The default
        // context cannot find the module; only the module's contextual-reflection scope makes it work.
        probe.MapGet("/reflection", () =>
        {
            var load = Expression.Lambda<Func<Assembly>>(Expression.Call(
                typeof(Assembly).GetMethod(nameof(Assembly.Load), [typeof(string)])!,
                Expression.Constant(typeof(ProbeModule).Assembly.GetName().Name!))).Compile();
            return Results.Ok(load().Location);
        });

        probe.MapPost("/login", async (HttpContext http, IUserSignIn signIn) =>
        {
            var form = await http.Request.ReadFormAsync();
            var result = await signIn.PasswordSignInAsync(http, form["username"].ToString(), form["password"].ToString(), persistent: false);
            return Results.Ok(result.Outcome.ToString());
        }).DisableAntiforgery();
        probe.MapGet("/me", async (HttpContext http, IUserSignIn signIn) =>
            await signIn.GetSignedInUserAsync(http) is { } user ? Results.Ok(user.Username) : Results.Unauthorized());

        var secured = probe.MapGroup("/secured").RequireBearerToken(options => options.Realm = "probe");
        secured.MapGet("/scoped", (HttpContext http) => Results.Ok(http.GetAccessToken()!.ClientId)).RequireScope(Scope);
        secured.MapGet("/privileged", (HttpContext http) => Results.Ok(http.User.Identity!.Name)).RequireScope(Scope).RequirePrivilege(Privilege);

        // A module author's omission: requirements declared without RequireBearerToken(). Each answers
        // "anyone" if it is reached without a token.
        var forgetful = probe.MapGroup("/forgetful");
        forgetful.MapGet("/scoped", (HttpContext http) => Results.Ok(http.GetAccessToken()?.ClientId ?? "anyone")).RequireScope(Scope);
        forgetful.MapGet("/privileged", (HttpContext http) => Results.Ok(http.User.Identity?.Name ?? "anyone")).RequirePrivilege(Privilege);
        forgetful.MapGet("/request-delegate", (RequestDelegate)(http => http.Response.WriteAsync("anyone"))).RequireScope(Scope);
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<ProbeOptions>>().Value.HandMadeScopeRequirement)
        {
            // The requirement's metadata added by hand: the sdk cannot see it, the host must.
            forgetful.MapGet("/hand-made", () => "anyone").WithMetadata(new RequiredScopeMetadata([Scope]));
        }
    }

    private static async Task RecordAsync(IModuleInstallContext context, string what, CancellationToken cancellationToken)
    {
        var db = context.CreateDbContext<ProbeDbContext>();
        db.Events.Add(new ProbeEvent { What = what });
        await db.SaveChangesAsync(cancellationToken);
    }
}

public sealed class ProbeOptions
{
    public bool FailInstall { get; set; }

    public bool HandMadeScopeRequirement { get; set; }

    [Required]
    [MinLength(2)]
    public string Greeting { get; set; } = "hello";
}

public sealed class ProbeEvent
{
    public int Id { get; set; }

    public required string What { get; set; }
}

public sealed class ProbeDbContext(DbContextOptions<ProbeDbContext> options) : DbContext(options)
{
    public DbSet<ProbeEvent> Events => Set<ProbeEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<ProbeEvent>().ToTable("probe_event");
}
