namespace ModularEmr.Sdk.Fhir;

/// <summary>A search the FHIR module has checked and hands to a provider.</summary>
/// <param name="Patient">
/// Only resources in this patient's compartment: from the search parameter the type names as
/// <see cref="FhirResourceDefinition.PatientParameter"/>, or the patient in a <c>patient/</c> token's context.
/// </param>
/// <param name="Parameters">
/// The values of the other declared parameters, by name (a modifier such as <c>:not</c> is refused before);
/// each value as sent, commas (FHIR's "or") not split.
/// </param>
/// <param name="Count">How many resources a page holds at most (<c>_count</c>, bounded by the FHIR module).</param>
/// <param name="After">The <see cref="FhirResourcePage.NextCursor"/> of the page before, for the next page.</param>
public sealed record FhirSearch(Guid? Patient, IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters, int Count, string? After);
