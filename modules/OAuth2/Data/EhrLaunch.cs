namespace ModularEmr.Modules.OAuth2.Data;

/// <summary>
/// A launch of an app from the EHR (SMART App Launch 2.2 §"EHR launch"): the signed-in user, the patient
/// in view and the app, behind an opaque launch id the app sends back on its authorization request.
/// Only the id's SHA-256 is stored, so a copy of the table launches nothing.
/// </summary>
public sealed class EhrLaunch
{
    public const string Table = "oauth2_ehr_launch";

    /// <summary>SHA-256 of the launch id, in lower-case hex.</summary>
    public required string IdHash { get; set; }

    public required string ClientId { get; set; }

    public Guid UserUuid { get; set; }

    public Guid PatientUuid { get; set; }

    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }

    /// <summary>Unix milliseconds; the launch id is refused from then on.</summary>
    public long ExpiresAt { get; set; }

    /// <summary>Unix milliseconds of the authorization that used the launch; a launch is used once.</summary>
    public long? UsedAt { get; set; }
}
