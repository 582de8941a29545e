using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Modules;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>Builds the identity a token carries, and decides which claim goes into which token.</summary>
public static class PrincipalFactory
{
    /// <summary>A token acting for <paramref name="user"/>, with the claims its scopes allow.</summary>
    /// <param name="chosenPatient">The patient chosen on the picker, in view at an EHR launch, or carried from the grant being refreshed (already checked).</param>
    public static async Task<ClaimsPrincipal> ForUserAsync(
        EmrUser user, IEnumerable<string> scopes, string? authorizationId, IPatientRecords patients, HttpRequest request, CancellationToken cancellationToken, Guid? chosenPatient = null)
    {
        var granted = scopes.ToList();
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Uuid.ToString())
            .SetClaim(Claims.Name, user.Username)
            .SetClaim(Claims.PreferredUsername, user.Username)
            .SetClaim(EmrClaims.Actor, "user");

        // The patient in context: one chosen on the picker or in view at an EHR launch wins over the
        // user's own record, which a patient user has in context in a standalone launch.
        var ownPatient = await OwnPatientAsync(user, patients, cancellationToken);
        var patientInContext = chosenPatient is { } chosen && (granted.Contains(OAuth2Scopes.LaunchPatient) || granted.Contains(OAuth2Scopes.Launch))
            ? chosen
            : ownPatient is { } own && (granted.Contains(OAuth2Scopes.LaunchPatient) || granted.Any(s => s.StartsWith("patient/", StringComparison.Ordinal))) ? own : (Guid?)null;
        if (patientInContext is { } patient)
        {
            identity.SetClaim(EmrClaims.Patient, patient.ToString());
        }

        if (user.PersonUuid is { } person && granted.Contains(OAuth2Scopes.FhirUser))
        {
            var resource = ownPatient is null ? "Person" : "Patient";
            identity.SetClaim(EmrClaims.FhirUser, $"{request.HttpContext.RequestServices.GetRequiredService<IPublicOrigin>().For(request)}/ws/fhir/{resource}/{person}");
        }

        identity.SetScopes(granted);
        if (authorizationId is not null)
        {
            identity.SetAuthorizationId(authorizationId);
        }

        identity.SetDestinations(claim => DestinationsOf(claim, granted));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The user's own patient record, when the user is a patient whose record is not voided.</summary>
    public static async Task<Guid?> OwnPatientAsync(EmrUser user, IPatientRecords patients, CancellationToken cancellationToken) =>
        user.PersonUuid is { } person && await patients.GetAsync(person, cancellationToken) is { Voided: false } ? person : null;

    /// <summary>A client-credentials token: it acts for the client alone (RFC 6749 §4.4).</summary>
    public static ClaimsPrincipal ForClient(string clientId, string? displayName, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId).SetClaim(Claims.Name, displayName ?? clientId);
        identity.SetScopes(scopes);
        identity.SetDestinations(claim => claim.Type is Claims.Subject or Claims.Name ? [Destinations.AccessToken] : []);
        return new ClaimsPrincipal(identity);
    }

    private static IEnumerable<string> DestinationsOf(Claim claim, IReadOnlyCollection<string> scopes)
    {
        switch (claim.Type)
        {
            case Claims.Subject:
                yield return OpenIddictConstants.Destinations.AccessToken;
                yield return OpenIddictConstants.Destinations.IdentityToken;
                break;
            case Claims.Name or Claims.PreferredUsername:
                yield return OpenIddictConstants.Destinations.AccessToken;
                if (scopes.Contains(Scopes.Profile))
                {
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }

                break;
            case EmrClaims.FhirUser:
                yield return OpenIddictConstants.Destinations.AccessToken;
                yield return OpenIddictConstants.Destinations.IdentityToken;
                break;
            case EmrClaims.Patient or EmrClaims.Actor:
                yield return OpenIddictConstants.Destinations.AccessToken;
                break;
        }
    }
}
