namespace ModularEmr.Samples.Allergies;

/// <summary>Whether an allergy still holds (FHIR's allergyintolerance-clinical codes).</summary>
public enum AllergyClinicalStatus
{
    Active,
    Inactive,
    Resolved,
}
