using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>The scopes this module itself serves (OpenID Connect and SMART App Launch context scopes).</summary>
public static class OAuth2Scopes
{
    public const string OpenId = "openid";
    public const string Profile = "profile";
    public const string FhirUser = "fhirUser";
    public const string LaunchPatient = "launch/patient";
    public const string Launch = "launch";
    public const string OfflineAccess = "offline_access";

    public static readonly IReadOnlyList<ScopeDeclaration> Declared =
    [
        new(OpenId, "Sign you in", "Confirm who you are to the app (OpenID Connect)."),
        new(Profile, "Your name", "See your username and name."),
        new(FhirUser, "Your record link", "Know which person record in this system is yours."),
        new(LaunchPatient, "Patient in context", "Work with the patient record you are (or choose), and only that one."),
        new(Launch, "Launch from the EHR", "Open with the patient you have in view in the EHR, and only that one."),
        new(OfflineAccess, "Stay connected", "Keep access when you are not using the app, until you revoke it (refresh tokens)."),
    ];
}
