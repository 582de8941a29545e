namespace ModularEmr.Sdk.Fhir;

/// <summary>A search parameter a contributed type supports, listed in the CapabilityStatement.</summary>
/// <param name="Name">Its name in the query string, as FHIR defines it for the type (<c>clinical-status</c>).</param>
/// <param name="Type">Its FHIR search parameter type.</param>
/// <param name="Description">What it matches, for the CapabilityStatement.</param>
public sealed record FhirSearchParameter(string Name, FhirSearchParameterType Type, string Description);
