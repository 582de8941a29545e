using System.Collections.Immutable;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Pages;
using ModularEmr.Modules.OAuth2.Smart;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// The authorization endpoint (RFC 6749 §3.1) after OpenIddict has validated the client, the exact
/// redirect URI, the response type, PKCE and scope permissions: sign-in, consent, and the decision.
/// </summary>
public static class AuthorizationEndpoint
{
    public const string DecisionField = "consent_decision";
    public const string RememberField = "consent_remember";
    public const string PatientQueryField = "launch_patient_query";
    public const string PatientChoiceField = "launch_patient_choice";

    /// <summary>
    /// Fields of this server's own forms, never carried over from the client's request, in any letter case:
    /// the form reader finds <c>LAUNCH_PATIENT_CHOICE</c> under <c>launch_patient_choice</c>, so an app that
    /// slipped either into its request would otherwise choose the patient, or the consent, for the user.
    /// </summary>
    private static readonly HashSet<string> FormFields =
        new([DecisionField, RememberField, PatientQueryField, PatientChoiceField, "__RequestVerificationToken"], StringComparer.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapAuthorizationEndpoint(this IEndpointRouteBuilder endpoints)
    {
        // The consent and picker forms post back here, and the middleware checks their antiforgery token;
        // its verdict is read only for those forms (a decision), as clients may also POST authorization
        // requests (OIDC §3.1.2.1) without one.
        endpoints.MapMethods(OAuth2ServerRegistration.AuthorizeUri, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).RequireAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, [AsParameters] AuthorizationServices services)
    {
        if (http.GetOpenIddictServerResponse() is { Error: { } error } response)
        {
            // RFC 6749 §4.1.2.1: once the client and its exact redirect URI are verified, the error goes
            // back to the client; before that (unknown client, unregistered URI) it is shown here, and
            // the user is never sent to an unverified address.
            if (await VerifiedRedirectAsync(http, services.Applications) is { } verified)
            {
                return Results.Redirect(ErrorRedirect(http, verified, response));
            }

            return PageResults.Of<RefusedRequestView>(new { Error = error, Description = response.ErrorDescription ?? error }, StatusCodes.Status400BadRequest);
        }

        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict server did not handle this authorization request.");
        var user = await services.SignIn.GetSignedInUserAsync(http, http.RequestAborted);
        // A decision is a POST of this server's consent or picker form, whose fields OpenIddict has read
        // into the request. ASP.NET Core refuses to hand out a form whose antiforgery token the middleware
        // found invalid (a client's POST here carries none), so the form is read only after that check.
        var isDecision = HttpMethods.IsPost(http.Request.Method) && request.GetParameter(DecisionField) is not null;
        if (user is null || (request.HasPromptValue(PromptValues.Login) && !isDecision))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }

            // Keep the request in the return URL without prompt=login, or it would ask again after sign-in.
            var parameters = request.GetParameters().Where(p => p.Key != Parameters.Prompt || !request.HasPromptValue(PromptValues.Login))
                .Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString()));
            var returnUrl = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);
            if (user is not null)
            {
                await services.SignIn.SignOutAsync(http);
            }

            return Results.Redirect($"{LoginPage.Path}?returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        var application = await services.Applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted)
            ?? throw new InvalidOperationException("OpenIddict validated a client that does not exist.");
        var grant = new Grant(request, application, (await services.Applications.GetIdAsync(application, http.RequestAborted))!, user, request.GetScopes());

        // SMART EHR launch: the launch id names the user and the patient in view; RequireUsableLaunch
        // has refused unknown, foreign, used and expired ones before anyone signed in, and kept the launch.
        if ((string?)request[SmartParameters.Launch] is { } launchId)
        {
            var launch = http.Features.Get<OpenIddictServerAspNetCoreFeature>()?.Transaction?.GetProperty<EhrLaunch>(RequireUsableLaunch.Property)
                ?? throw new InvalidOperationException("RequireUsableLaunch did not keep the launch it validated.");
            if (launch.UserUuid != user.Uuid)
            {
                return Refuse(Errors.AccessDenied, "The launch was made by another user than the one signed in.");
            }

            grant = grant with { LaunchId = launchId, LaunchPatient = launch.PatientUuid };
        }

        if (isDecision)
        {
            if (!FormAntiforgery.Passed(http))
            {
                return FormAntiforgery.Expired();
            }

            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (form[DecisionField] != "approve")
            {
                return Refuse(Errors.AccessDenied, "The user denied the request.");
            }

            return await WithPatientInContextAsync(http, services, grant, form, remember: form[RememberField] == "true");
        }

        // Remembered consent: a standing authorization of this user for this client covering these scopes.
        var remembered = false;
        await foreach (var authorization in services.Authorizations.FindAsync(user.Uuid.ToString(), grant.ApplicationId, Statuses.Valid, AuthorizationTypes.Permanent, grant.Scopes, http.RequestAborted))
        {
            remembered = authorization is not null;
            break;
        }

        if (remembered && !request.HasPromptValue(PromptValues.Consent))
        {
            return await WithPatientInContextAsync(http, services, grant, form: null, remember: true);
        }

        if (request.HasPromptValue(PromptValues.None))
        {
            return Refuse(Errors.ConsentRequired, "The user has not yet approved this app.");
        }

        return await ConsentPage.RenderAsync(http, services, request, application, user, grant.Scopes);
    }

    /// <summary>
    /// After consent: the patient in context comes from the EHR launch, from the user being a patient, or
    /// from the picker, which is shown again at each launch even when consent is remembered.
    /// </summary>
    private static async Task<IResult> WithPatientInContextAsync(HttpContext http, AuthorizationServices services, Grant grant, IFormCollection? form, bool remember)
    {
        var type = remember ? AuthorizationTypes.Permanent : AuthorizationTypes.AdHoc;
        if (grant.LaunchPatient is { } launched)
        {
            // Used once, whichever instance or tab gets here first.
            return await services.Launches.TryUseAsync(grant.LaunchId!, http.RequestAborted)
                ? await IssueAsync(http, services, grant, type, launched)
                : Refuse(Errors.InvalidRequest, "The launch id was already used or has expired; launch the app again from the EHR.");
        }

        if (!await PatientPicker.IsNeededAsync(grant.User, grant.Scopes, services.Patients, http.RequestAborted))
        {
            return await IssueAsync(http, services, grant, type, patientInContext: null);
        }

        if (!grant.User.HasPrivilege(CorePrivileges.ViewPatients))
        {
            return Refuse(Errors.AccessDenied, $"The user may not view patients ('{CorePrivileges.ViewPatients}'), so no patient can be chosen for launch/patient.");
        }

        if (form is null && grant.Request.HasPromptValue(PromptValues.None))
        {
            return Refuse(Errors.InteractionRequired, "A patient must be chosen for launch/patient.");
        }

        var clientName = await services.Applications.GetDisplayNameAsync(grant.Application, http.RequestAborted) ?? grant.Request.ClientId!;
        string? query = form?[PatientQueryField];
        string? choice = form?[PatientChoiceField];
        if (string.IsNullOrEmpty(choice))
        {
            return await PatientPickerPage.RenderAsync(http, services, grant.Request, clientName, grant.User, query, remember);
        }

        return await PatientPicker.FindChoiceAsync(grant.User, choice, services.Patients, http.RequestAborted) is { } patient
            ? await IssueAsync(http, services, grant, type, patient)
            : await PatientPickerPage.RenderAsync(http, services, grant.Request, clientName, grant.User, query, remember, http.RequestServices.GetRequiredService<IStringLocalizer<PageText>>()["PatientNotChoosable"]);
    }

    /// <summary>The client's request as hidden fields of one of this server's forms, without that form's own fields.</summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> CarriedFields(OpenIddictRequest request) =>
        [.. request.GetParameters().Where(p => !FormFields.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString()))];

    private static async Task<IResult> IssueAsync(HttpContext http, AuthorizationServices services, Grant grant, string authorizationType, Guid? patientInContext)
    {
        var (user, scopes) = (grant.User, grant.Scopes);
        var principal = await PrincipalFactory.ForUserAsync(user, scopes, authorizationId: null, services.Patients, http.Request, http.RequestAborted, patientInContext);
        var authorization = await services.Authorizations.CreateAsync(principal, user.Uuid.ToString(), grant.ApplicationId, authorizationType, scopes, http.RequestAborted);
        principal = await PrincipalFactory.ForUserAsync(user, scopes, await services.Authorizations.GetIdAsync(authorization, http.RequestAborted), services.Patients, http.Request, http.RequestAborted, patientInContext);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<(Uri RedirectUri, bool Fragment, string? State)?> VerifiedRedirectAsync(HttpContext http, IOpenIddictApplicationManager applications)
    {
        var request = http.GetOpenIddictServerRequest();
        if (request?.ClientId is not { } clientId || request.RedirectUri is not { } redirect
            || !Uri.TryCreate(redirect, UriKind.Absolute, out var uri)
            || await applications.FindByClientIdAsync(clientId, http.RequestAborted) is not { } application
            || !await applications.ValidateRedirectUriAsync(application, redirect, http.RequestAborted))
        {
            return null;
        }

        var fragment = request.ResponseMode == ResponseModes.Fragment
            || (request.ResponseMode != ResponseModes.Query && (request.ResponseType ?? string.Empty).Split(' ').Any(t => t is ResponseTypes.Token or ResponseTypes.IdToken));
        return (uri, fragment, request.State);
    }

    private static string ErrorRedirect(HttpContext http, (Uri RedirectUri, bool Fragment, string? State) target, OpenIddictResponse response)
    {
        var parameters = new List<KeyValuePair<string, string?>>
        {
            new(Parameters.Error, response.Error),
            new(Parameters.ErrorDescription, response.ErrorDescription),
            new(Parameters.Iss, http.RequestServices.GetRequiredService<IPublicOrigin>().For(http.Request) + "/"),
        };
        if (target.State is not null)
        {
            parameters.Add(new(Parameters.State, target.State));
        }

        var encoded = QueryString.Create(parameters.Where(p => p.Value is not null)).ToUriComponent()[1..];
        if (target.Fragment)
        {
            return target.RedirectUri.GetLeftPart(UriPartial.Query) + "#" + encoded;
        }

        return target.RedirectUri.GetLeftPart(UriPartial.Path) + (string.IsNullOrEmpty(target.RedirectUri.Query) ? "?" : target.RedirectUri.Query + "&") + encoded;
    }

    /// <summary>An error returned to the client's verified redirect URI (RFC 6749 §4.1.2.1).</summary>
    private static IResult Refuse(string error, string description) => OAuth2Errors.Refuse(error, description);

    /// <summary>What the authorization endpoint needs.</summary>
    public sealed record AuthorizationServices(
        IUserSignIn SignIn,
        IOpenIddictApplicationManager Applications,
        IOpenIddictAuthorizationManager Authorizations,
        IPatientRecords Patients,
        IScopeCatalog Scopes,
        OAuth2DbContext Db,
        EhrLaunches Launches);

    /// <summary>The authorization request being decided, for whom, and the EHR launch it continues, if any.</summary>
    private sealed record Grant(OpenIddictRequest Request, object Application, string ApplicationId, EmrUser User, ImmutableArray<string> Scopes)
    {
        public string? LaunchId { get; init; }

        public Guid? LaunchPatient { get; init; }
    }
}
