using ModularEmr.Sdk.Modules;

namespace ModularEmr.Modules.Fhir;

/// <summary>The FHIR module (HL7 FHIR R4 API). Its features arrive with their own issues.</summary>
public sealed class FhirModule : EmrModule
{
}
