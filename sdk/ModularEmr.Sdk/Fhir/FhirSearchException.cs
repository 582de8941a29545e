namespace ModularEmr.Sdk.Fhir;

/// <summary>
/// A search parameter's value a provider cannot use; the FHIR module answers 400 with an OperationOutcome
/// naming the parameter and saying <see cref="Exception.Message"/>.
/// </summary>
public sealed class FhirSearchException : Exception
{
    /// <summary>A value of <paramref name="parameter"/> is refused because of <paramref name="message"/>.</summary>
    public FhirSearchException(string parameter, string message)
        : base(message) => Parameter = parameter;

    /// <summary>The parameter whose value was refused (<c>_after</c> for a page cursor).</summary>
    public string Parameter { get; }
}
