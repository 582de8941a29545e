using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Samples.Allergies;

/// <summary>A sample module written against the sdk alone: its own table, privileges, role, scopes and API.</summary>
public sealed class AllergiesModule : EmrModule
{
    public const string ViewPrivilege = "View Allergies";
    public const string EditPrivilege = "Edit Allergies";
    public const string Role = "Allergy Nurse";
    public const string ReadScope = "allergies.read";
    public const string WriteScope = "allergies.write";

    public override void ConfigureServices(IServiceCollection services, ModuleContext context) =>
        services.AddModuleDbContext<AllergyDbContext>(context);

    public override async Task InstallAsync(IModuleInstallContext context, CancellationToken cancellationToken)
    {
        await context.MigrateAsync<AllergyDbContext>(cancellationToken);
        await context.EnsurePrivilegeAsync(ViewPrivilege, "Able to see a patient's allergies", cancellationToken);
        await context.EnsurePrivilegeAsync(EditPrivilege, "Able to record a patient's allergies", cancellationToken);
        await context.EnsureRoleAsync(Role, "Records and reviews allergies", [ViewPrivilege, EditPrivilege], cancellationToken);
        await context.DeclareScopeAsync(new ScopeDeclaration(ReadScope, "Your allergies", "See the allergies recorded for patients you may see."), cancellationToken);
        await context.DeclareScopeAsync(new ScopeDeclaration(WriteScope, "Record allergies", "Record allergies for patients, as you may."), cancellationToken);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapAllergyApi();
}
