namespace ModularEmr.Modules.Fhir;

/// <summary>
/// The module's words for people, in <c>FhirText.resx</c> (English), <c>FhirText.fr.resx</c> and
/// <c>FhirText.es.resx</c>: handlers take <c>IStringLocalizer&lt;FhirText&gt;</c>, and the host picks the
/// language per request (<c>Accept-Language</c>, then English), so an OperationOutcome's diagnostics are
/// written in the reader's language. The scopes' titles and descriptions are here too, keyed by their English.
/// </summary>
public sealed class FhirText;
