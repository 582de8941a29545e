namespace ModularEmr.Sdk.Fhir;

/// <summary>What a module says about a FHIR resource type it contributes.</summary>
/// <param name="Type">The FHIR R4 resource type (<c>AllergyIntolerance</c>); one module per type, and not <c>Patient</c>.</param>
/// <param name="ReadPrivilege">
/// The privilege a user needs to read and search it under a <c>user/</c> scope (<c>View Allergies</c>);
/// <c>patient/</c> scopes are limited to the patient in context instead, <c>system/</c> scopes to the client.
/// </param>
/// <param name="SearchParameters">The search parameters it supports besides <c>_count</c>, the patient's included.</param>
/// <param name="PatientParameter">
/// The search parameter, among <paramref name="SearchParameters"/>, that names the patient (<c>patient</c>): the
/// FHIR module reads it as a Patient reference into <see cref="FhirSearch.Patient"/>, and uses it for
/// <c>Patient/{id}/$everything</c>. <see langword="null"/> when the type is in no patient's compartment.
/// </param>
public sealed record FhirResourceDefinition(string Type, string ReadPrivilege, IReadOnlyList<FhirSearchParameter> SearchParameters, string? PatientParameter)
{
    /// <summary>The profile its resources conform to, for the CapabilityStatement; the base R4 profile by default.</summary>
    public string Profile { get; init; } = $"http://hl7.org/fhir/StructureDefinition/{Type}";
}
