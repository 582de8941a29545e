using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Modules.Rest.Resources;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.Rest;

/// <summary>OpenMRS-style REST web services (webservices.rest) at <c>/ws/rest/v1</c>, behind bearer tokens.</summary>
public sealed class RestModule : EmrModule
{
    public const string ReadScope = "rest.read";
    public const string WriteScope = "rest.write";

    public override void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        services.AddScopeTexts(context, typeof(RestText));
        services.AddOpenApi(RestApi.DocumentName, options => options.ShouldInclude = description => description.GroupName == RestApi.DocumentName);
        services.AddHomeLink(new HomeLink("HomeOpenApi", $"{RestApi.BasePath}/openapi/{RestApi.DocumentName}.json", "HomeOpenApiText") { Texts = typeof(RestText) });
    }

    public override async Task InstallAsync(IModuleInstallContext context, CancellationToken cancellationToken)
    {
        await context.DeclareScopeAsync(new ScopeDeclaration(ReadScope, "Read records", "Read people, patients, their names, users and roles that your account may see."), cancellationToken);
        await context.DeclareScopeAsync(new ScopeDeclaration(WriteScope, "Change records", "Add and change names of people and create patients, as your account may."), cancellationToken);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(RestApi.BasePath + "/openapi/{documentName}.json");
        endpoints.MapRestApi();
    }
}
