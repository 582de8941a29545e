namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>Names SMART App Launch 2.2 gives to the launch context it adds to OAuth 2.0 messages.</summary>
public static class SmartParameters
{
    public const string Patient = "patient";

    public const string NeedPatientBanner = "need_patient_banner";

    public const string SmartStyleUrl = "smart_style_url";

    /// <summary>The EHR launch id, given to the app at launch and sent back on the authorization request.</summary>
    public const string Launch = "launch";

    /// <summary>The FHIR base the app is launched against (§"EHR launch").</summary>
    public const string Issuer = "iss";

    /// <summary>The resource server the app will call, on the authorization request (§"Authorization request").</summary>
    public const string Audience = "aud";
}
