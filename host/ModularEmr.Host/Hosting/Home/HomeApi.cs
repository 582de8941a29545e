using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using ModularEmr.Host.Data;
using ModularEmr.Host.Modules;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Host.Hosting.Home;

/// <summary>The home page at <c>/</c>, built from the links the modules register (<see cref="HomeLink"/>).</summary>
internal static class HomeApi
{
    /// <summary>The privilege that shows module states and the database on the home page (OpenMRS's name).</summary>
    public const string ViewAdministration = "View Administration Functions";

    public static IEndpointRouteBuilder MapHome(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", ShowAsync).AllowAnonymous();
        return endpoints;
    }

    private static async Task<RazorComponentResult<HomePage>> ShowAsync(
        HttpContext http, IUserSignIn signIn, IEnumerable<HomeLink> links, IStringLocalizerFactory texts, ModuleRegistry registry, CoreDbContext db, EmrDatabaseProvider database)
    {
        var user = await signIn.GetSignedInUserAsync(http, http.RequestAborted);
        var administrator = user?.HasPrivilege(ViewAdministration) == true;

        // Everyone sees the modules serving; an administrator also those disabled, with their recorded state.
        var modules = administrator
            ? (await registry.DescribeAsync(db, http.RequestAborted)).Select(m => new ModuleRow(m.Name, m.Version, m.State))
            : registry.Catalog.All.Where(m => m.Enabled).Select(m => new ModuleRow(m.Manifest?.Name ?? m.Id, m.Version?.ToString(), null));
        return new RazorComponentResult<HomePage>(new
        {
            UserName = user?.Username,
            Links = links.Where(link => Shows(link, user)).Select(link => InLanguage(link, texts)).ToList(),
            Modules = modules.ToList(),
            Administrator = administrator,
            Database = administrator ? database.Name : null,
        });
    }

    /// <summary>A link whose module gave its texts as resource keys (<see cref="HomeLink.Texts"/>), in the request's language.</summary>
    private static ShownLink InLanguage(HomeLink link, IStringLocalizerFactory texts)
    {
        if (link.Texts is not { } resources)
        {
            return new ShownLink(link.Title, link.Url, link.Description);
        }

        var localizer = texts.Create(resources);
        return new ShownLink(localizer[link.Title], link.Url, localizer[link.Description]);
    }

    private static bool Shows(HomeLink link, EmrUser? user) => link.Audience switch
    {
        HomeLinkAudience.SignedOut => user is null,
        HomeLinkAudience.SignedIn => user is not null && (link.Privilege is null || user.HasPrivilege(link.Privilege)),
        HomeLinkAudience.Everyone => link.Privilege is null || user?.HasPrivilege(link.Privilege) == true,
        _ => false,
    };
}
