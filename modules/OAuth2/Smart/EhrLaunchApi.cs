using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using ModularEmr.Modules.OAuth2.Accounts;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Pages;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// The EHR side of SMART App Launch 2.2 §"EHR launch": <c>POST /ws/oauth2/api/launch</c> for an EHR
/// screen (signed-in user, antiforgery header, or Basic credentials), and a "Launch app" page listing the
/// apps with a launch URL for the patient in view. Both bind the launch to the user, the patient and the
/// app, and open the app at its launch URL with <c>iss</c> (the FHIR base) and <c>launch</c>.
/// </summary>
public static class EhrLaunchApi
{
    public const string ApiPath = "/ws/oauth2/api/launch";
    public const string PagePath = "/ws/oauth2/launch";

    public static IEndpointRouteBuilder MapEhrLaunchApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(ApiPath, CreateAsync).DisableAntiforgery();
        endpoints.MapGet(PagePath, PageAsync);
        endpoints.MapPost(PagePath, LaunchFromPageAsync).RequireAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> CreateAsync(EhrLaunchRequest? request, HttpContext http, RequestAuthentication authentication, [AsParameters] LaunchServices services)
    {
        var caller = await authentication.AuthenticateAsync(http);
        if (caller.User is not { } user)
        {
            return caller.Refusal(http);
        }

        var (created, status, error) = await LaunchAsync(http, services, user, request?.ClientId, request?.Patient);
        if (created is null)
        {
            // An OAuth error body: its description in English, which RFC 6749 §5.2 keeps ASCII.
            return OAuth2Errors.Json(status == StatusCodes.Status403Forbidden ? "access_denied" : "invalid_request", EnglishText.Of<PageText>(error!.Key, error.Arguments), status);
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created((string?)null, created);
    }

    private static async Task<IResult> PageAsync(HttpContext http, [AsParameters] LaunchServices services, Guid? patient)
    {
        if (await services.SignIn.GetSignedInUserAsync(http, http.RequestAborted) is not { } user)
        {
            return Results.Redirect($"{LoginPage.Path}?returnUrl={Uri.EscapeDataString(http.Request.Path + http.Request.QueryString)}");
        }

        if (!user.HasPrivilege(CorePrivileges.ViewPatients))
        {
            return PageResults.Message("NotAllowedTitle", "NeedsViewPatients", StatusCodes.Status403Forbidden, CorePrivileges.ViewPatients);
        }

        if (patient is not { } uuid || await services.Patients.GetAsync(uuid, http.RequestAborted) is not { Voided: false } record)
        {
            return PageResults.Message("NoPatientTitle", "NoPatientInView", StatusCodes.Status404NotFound);
        }

        var apps = await services.Db.ClientRegistrations.AsNoTracking().Where(r => r.LaunchUri != null).OrderBy(r => r.ClientId).ToListAsync(http.RequestAborted);
        var launchable = new List<LaunchableApp>();
        foreach (var app in apps)
        {
            if (await services.Applications.FindByClientIdAsync(app.ClientId, http.RequestAborted) is { } application)
            {
                var name = await services.Applications.GetDisplayNameAsync(application, http.RequestAborted) ?? app.ClientId;
                launchable.Add(new LaunchableApp(app.ClientId, name, app.Description));
            }
        }

        return PageResults.Of<EhrLaunchView>(new { UserName = user.Username, Patient = uuid, PatientName = record.Person.PreferredName?.Display, Apps = launchable });
    }

    private static async Task<IResult> LaunchFromPageAsync(HttpContext http, [AsParameters] LaunchServices services)
    {
        if (await services.SignIn.GetSignedInUserAsync(http, http.RequestAborted) is not { } user)
        {
            return Results.Redirect(LoginPage.Path);
        }

        if (!FormAntiforgery.Passed(http))
        {
            return FormAntiforgery.Expired();
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (created, status, error) = await LaunchAsync(http, services, user, form["clientId"], Guid.TryParse(form["patient"], out var patient) ? patient : null);
        return created is null
            ? PageResults.Refusal("CannotLaunchTitle", http.RequestServices.GetRequiredService<IStringLocalizer<PageText>>()[error!.Key, error.Arguments], status)
            : Results.Redirect(created.LaunchUrl, permanent: false, preserveMethod: false);
    }

    /// <summary>Why a launch was refused: a key of <see cref="PageText"/> and its arguments, said in English to the API and in the reader's language on the page.</summary>
    private sealed record Refusal(string Key, params object[] Arguments);

    private static async Task<(EhrLaunchCreated? Created, int Status, Refusal? Error)> LaunchAsync(
        HttpContext http, LaunchServices services, EmrUser user, string? clientId, Guid? patient)
    {
        if (!user.HasPrivilege(CorePrivileges.ViewPatients))
        {
            return (null, StatusCodes.Status403Forbidden, new Refusal("NeedsViewPatients", CorePrivileges.ViewPatients));
        }

        if (string.IsNullOrEmpty(clientId)
            || await services.Db.ClientRegistrations.AsNoTracking().SingleOrDefaultAsync(r => r.ClientId == clientId, http.RequestAborted) is not { LaunchUri: { } launchUri })
        {
            return (null, StatusCodes.Status400BadRequest, new Refusal("LaunchUnknownApp", clientId ?? string.Empty));
        }

        if (patient is not { } uuid || await services.Patients.GetAsync(uuid, http.RequestAborted) is not { Voided: false })
        {
            return (null, StatusCodes.Status400BadRequest, new Refusal("LaunchUnknownPatient"));
        }

        var (launchId, expiresIn) = await services.Launches.CreateAsync(user.Uuid, clientId, uuid, http.RequestAborted);
        var origin = services.Origin.For(http.Request);
        var iss = services.ResourceServers.Bases(origin)[0];
        var url = $"{launchUri}{(launchUri.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{SmartParameters.Issuer}={Uri.EscapeDataString(iss)}&{SmartParameters.Launch}={launchId}";
        return (new EhrLaunchCreated(launchId, url, (int)expiresIn.TotalSeconds), StatusCodes.Status201Created, null);
    }

    /// <summary>What launching needs.</summary>
    public sealed record LaunchServices(
        IUserSignIn SignIn,
        IPatientRecords Patients,
        OAuth2DbContext Db,
        OpenIddict.Abstractions.IOpenIddictApplicationManager Applications,
        EhrLaunches Launches,
        SmartResourceServers ResourceServers,
        IPublicOrigin Origin);
}
