using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;

namespace EmrModule1;

/// <summary>The module: its table, privilege and scope on install, and its API.</summary>
public sealed class EmrModule1Module : EmrModule
{
    public const string ViewPrivilege = "View EmrModule1 Notes";
    public const string ReadScope = "templatemoduleid.read";

    public override void ConfigureServices(IServiceCollection services, ModuleContext context) =>
        services.AddModuleDbContext<EmrModule1DbContext>(context);

    public override async Task InstallAsync(IModuleInstallContext context, CancellationToken cancellationToken)
    {
        await context.MigrateAsync<EmrModule1DbContext>(cancellationToken);
        await context.EnsurePrivilegeAsync(ViewPrivilege, "Able to read the EmrModule1 notes of patients", cancellationToken);
        await context.DeclareScopeAsync(new ScopeDeclaration(ReadScope, "EmrModule1 notes", "Read the EmrModule1 notes of the patients you may see."), cancellationToken);
    }

    public override void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapNoteApi();
}
