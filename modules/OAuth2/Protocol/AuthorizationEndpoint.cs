using System.Collections.Immutable;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Modules.OAuth2.Data;
using ModularEmr.Modules.OAuth2.Pages;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;
using OpenIddict.Abstractions;
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

    public static IEndpointRouteBuilder MapAuthorizationEndpoint(this IEndpointRouteBuilder endpoints)
    {
        // The consent form posts back here; its antiforgery token is checked below, not by the middleware,
        // because clients may also POST authorization requests (OIDC §3.1.2.1) without one.
        endpoints.MapMethods(OAuth2ServerRegistration.AuthorizeUri, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).DisableAntiforgery();
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

            return Html.Page("This app's request was refused", $"""
                <p class="error">{Html.Encode(response.ErrorDescription ?? error)}</p>
                <p>Error code: <code>{Html.Encode(error)}</code>. Tell the developer of the app that sent you here.</p>
                """, StatusCodes.Status400BadRequest);
        }

        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict server did not handle this authorization request.");
        var user = await services.SignIn.GetSignedInUserAsync(http, http.RequestAborted);
        var isDecision = HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType && (await http.Request.ReadFormAsync(http.RequestAborted)).ContainsKey(DecisionField);
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
        var applicationId = await services.Applications.GetIdAsync(application, http.RequestAborted);
        var scopes = request.GetScopes();

        if (isDecision)
        {
            if (await Html.RefuseForgedAsync(services.Antiforgery, http) is { } forged)
            {
                return forged;
            }

            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (form[DecisionField] != "approve")
            {
                return Refuse(Errors.AccessDenied, "The user denied the request.");
            }

            var remember = form[RememberField] == "true";
            return await IssueAsync(http, services, user, applicationId!, scopes, remember ? AuthorizationTypes.Permanent : AuthorizationTypes.AdHoc);
        }

        // Remembered consent: a standing authorization of this user for this client covering these scopes.
        var remembered = false;
        await foreach (var authorization in services.Authorizations.FindAsync(user.Uuid.ToString(), applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, http.RequestAborted))
        {
            remembered = authorization is not null;
            break;
        }

        if (remembered && !request.HasPromptValue(PromptValues.Consent))
        {
            return await IssueAsync(http, services, user, applicationId!, scopes, AuthorizationTypes.Permanent);
        }

        if (request.HasPromptValue(PromptValues.None))
        {
            return Refuse(Errors.ConsentRequired, "The user has not yet approved this app.");
        }

        return await ConsentPage.RenderAsync(http, services, request, application, user, scopes);
    }

    private static async Task<IResult> IssueAsync(HttpContext http, AuthorizationServices services, EmrUser user, string applicationId, ImmutableArray<string> scopes, string authorizationType)
    {
        var principal = await PrincipalFactory.ForUserAsync(user, scopes, authorizationId: null, services.Patients, http.Request, http.RequestAborted);
        var authorization = await services.Authorizations.CreateAsync(principal, user.Uuid.ToString(), applicationId, authorizationType, scopes, http.RequestAborted);
        principal = await PrincipalFactory.ForUserAsync(user, scopes, await services.Authorizations.GetIdAsync(authorization, http.RequestAborted), services.Patients, http.Request, http.RequestAborted);
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
        IAntiforgery Antiforgery,
        OAuth2DbContext Db);
}
