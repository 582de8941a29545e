using System.Text.Json.Nodes;

namespace ModularEmr.Sdk.Fhir;

/// <summary>One resource, as a provider hands it to the FHIR module.</summary>
/// <param name="Id">Its logical id: the last segment of <c>/ws/fhir/{type}/{id}</c>, and the <c>id</c> in <paramref name="Resource"/>.</param>
/// <param name="Patient">
/// The patient whose compartment it is in (the Patient's id, a core patient's uuid), or <see langword="null"/>
/// when it belongs to no patient: such a resource is never shown to a <c>patient/</c> scope nor in <c>$everything</c>.
/// </param>
/// <param name="Resource">The resource as FHIR R4 JSON, <c>resourceType</c> first.</param>
public sealed record FhirResourceDocument(string Id, Guid? Patient, JsonObject Resource);
