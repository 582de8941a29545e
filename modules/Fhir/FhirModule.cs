using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Modules.Fhir.Access;
using ModularEmr.Modules.Fhir.Contributed;
using ModularEmr.Modules.Fhir.Http;
using ModularEmr.Modules.Fhir.Patients;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.Fhir;

/// <summary>
/// HL7 FHIR R4 over the core data (Firely SDK): Patient, the types other modules contribute through the sdk
/// (<c>AddFhirResource</c>), Patient/$everything, CapabilityStatement and SMART discovery.
/// </summary>
public sealed class FhirModule : EmrModule
{
    public override void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        // Firely's model inspector scans its assemblies by name once; done here, inside this module's
        // reflection context (the host enters it for every hook), rather than on the first request.
        _ = ModelInfo.ModelInspector.FindClassMapping(typeof(Patient));
        services.AddSingleton<FhirFormats>();
        services.AddScopeTexts(context, typeof(FhirText));
        services.AddSingleton<PatientDocuments>();
        services.AddSingleton<ContributedResources>();
        services.AddHomeLink(new HomeLink("HomeCapabilityStatement", FhirApi.BasePath + "/metadata", "HomeCapabilityStatementText") { Texts = typeof(FhirText) });
    }

    public override async System.Threading.Tasks.Task InstallAsync(IModuleInstallContext context, CancellationToken cancellationToken)
    {
        foreach (var scope in SmartScopes.Declared)
        {
            await context.DeclareScopeAsync(scope, cancellationToken);
        }
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapFhirApi();
}
