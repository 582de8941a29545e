namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>Claims this server puts in its tokens beyond the standard ones.</summary>
public static class EmrClaims
{
    /// <summary>Present (value <c>user</c>) when the token acts for a user, absent for client-credentials tokens.</summary>
    public const string Actor = "emr_actor";

    /// <summary>The patient in context (SMART <c>patient</c> launch context).</summary>
    public const string Patient = "patient";

    /// <summary>The URL of the user's FHIR resource (SMART <c>fhirUser</c>).</summary>
    public const string FhirUser = "fhirUser";
}
