namespace ModularEmr.Sdk.Fhir;

/// <summary>
/// A FHIR resource type a module stores and the FHIR module serves (read and search at
/// <c>/ws/fhir/{type}</c>), registered with <see cref="FhirServiceCollectionExtensions.AddFhirResource{TProvider}"/>.
/// The FHIR module checks the bearer token, the SMART scopes and the patient in context before it calls
/// the provider, then formats, pages and refuses as it does for Patient. Resources cross the module
/// boundary as FHIR R4 JSON, so a module needs no FHIR library of its own. Added in sdk 1.8.0.
/// </summary>
public interface IFhirResourceProvider
{
    /// <summary>The resource with this logical id, or <see langword="null"/> when there is none.</summary>
    Task<FhirResourceDocument?> ReadAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the resources matching <paramref name="search"/>, in a stable order.
    /// </summary>
    /// <exception cref="FhirSearchException">A parameter's value is not one this type understands.</exception>
    Task<FhirResourcePage> SearchAsync(FhirSearch search, CancellationToken cancellationToken);
}
