using System.ComponentModel.DataAnnotations;

namespace ModularEmr.Modules.OAuth2;

/// <summary>The module's <c>settings</c> in <c>modules.json</c>.</summary>
public sealed class OAuth2Options
{
    /// <summary>Lifetime of access tokens (DESIGN §6: <c>expires_in</c> 3600 by default).</summary>
    [Range(60, 86_400)]
    public int AccessTokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>Lifetime of authorization codes; RFC 6749 §4.1.2 recommends at most ten minutes.</summary>
    [Range(5, 600)]
    public int AuthorizationCodeLifetimeSeconds { get; set; } = 60;

    /// <summary>Lifetime of refresh tokens.</summary>
    [Range(1, 365)]
    public int RefreshTokenLifetimeDays { get; set; } = 14;

    /// <summary>Lifetime of identity tokens.</summary>
    [Range(60, 86_400)]
    public int IdentityTokenLifetimeSeconds { get; set; } = 1200;

    /// <summary>
    /// Whether the OAuth endpoints refuse plain HTTP. Null: required except on demo hosts
    /// (Development or <c>--demo</c>), which serve http://localhost.
    /// </summary>
    public bool? RequireHttps { get; set; }

    /// <summary>Password-grant attempts allowed per client and remote address in each window.</summary>
    [Range(1, 10_000)]
    public int PasswordAttemptsPerWindow { get; set; } = 10;

    /// <summary>The window of <see cref="PasswordAttemptsPerWindow"/>.</summary>
    [Range(1, 3600)]
    public int PasswordWindowSeconds { get; set; } = 60;

    /// <summary>
    /// Paths of the FHIR servers an app may name as SMART's <c>aud</c>, under the public origin. The FHIR
    /// module serves <c>/ws/fhir</c>; a host that maps another FHIR base adds it here.
    /// </summary>
    [MinLength(1)]
    public string[] FhirBasePaths { get; set; } = ["/ws/fhir"];

    /// <summary>
    /// Who may register clients at <c>/ws/oauth2/register</c> (RFC 7591): <c>InitialAccessToken</c> (the default:
    /// only with a token an administrator makes with <c>clients initial-token</c>) or <c>Open</c> (anyone).
    /// </summary>
    public Registration.RegistrationPolicy DynamicRegistration { get; set; } = Registration.RegistrationPolicy.InitialAccessToken;

    /// <summary>How long an EHR launch id may wait for the app's authorization request.</summary>
    [Range(10, 3600)]
    public int EhrLaunchLifetimeSeconds { get; set; } = 300;
}
