using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Samples.Allergies.Fhir;
using ModularEmr.Sdk.Fhir;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Samples.Allergies;

/// <summary>
/// A sample module written against the sdk alone: its own table, privileges, role, scopes and API, and its
/// allergies served as FHIR AllergyIntolerance through the FHIR module.
/// </summary>
public sealed class AllergiesModule : EmrModule
{
    public const string ViewPrivilege = "View Allergies";
    public const string EditPrivilege = "Edit Allergies";
    public const string Role = "Allergy Nurse";
    public const string ReadScope = "allergies.read";
    public const string WriteScope = "allergies.write";

    public override void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        services.AddModuleDbContext<AllergyDbContext>(context);

        // Served as FHIR AllergyIntolerance by the FHIR module when it is installed; nothing otherwise.
        services.AddFhirResource<AllergyIntoleranceProvider>(context, AllergyIntoleranceProvider.Definition);
    }

    public override async Task InstallAsync(IModuleInstallContext context, CancellationToken cancellationToken)
    {
        await context.MigrateAsync<AllergyDbContext>(cancellationToken);
        await context.EnsurePrivilegeAsync(ViewPrivilege, "Able to see a patient's allergies", cancellationToken);
        await context.EnsurePrivilegeAsync(EditPrivilege, "Able to record a patient's allergies", cancellationToken);
        await context.EnsureRoleAsync(Role, "Records and reviews allergies", [ViewPrivilege, EditPrivilege], cancellationToken);
        await context.DeclareScopeAsync(new ScopeDeclaration(ReadScope, "Your allergies", "See the allergies recorded for patients you may see."), cancellationToken);
        await context.DeclareScopeAsync(new ScopeDeclaration(WriteScope, "Record allergies", "Record allergies for patients, as you may."), cancellationToken);

        // The SMART scopes of the FHIR type this module contributes (since 1.1.0).
        await context.DeclareScopeAsync(new ScopeDeclaration("patient/AllergyIntolerance.rs", "Your allergies (FHIR)", "Read your own allergies as FHIR AllergyIntolerance."), cancellationToken);
        await context.DeclareScopeAsync(new ScopeDeclaration("user/AllergyIntolerance.rs", "Allergies you can see (FHIR)", "Read and search, as FHIR AllergyIntolerance, the allergies of patients you may see."), cancellationToken);
        await context.DeclareScopeAsync(new ScopeDeclaration("system/AllergyIntolerance.rs", "All allergies (system, FHIR)", "A server acting for itself may read and search every allergy as FHIR AllergyIntolerance."), cancellationToken);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapAllergyApi();
}
