using ModularEmr.Sdk.Fhir;

namespace ModularEmr.Modules.Fhir.Contributed;

/// <summary>
/// The resource types other modules contribute through the sdk (<see cref="IFhirResourceProvider"/>), by type
/// name. Built once at start from the host's container, where each module registered its own.
/// </summary>
public sealed class ContributedResources
{
    private readonly Dictionary<string, FhirResourceContribution> _byType = new(StringComparer.Ordinal);

    /// <exception cref="InvalidOperationException">Two modules contribute the same type: the host does not start.</exception>
    public ContributedResources(IEnumerable<FhirResourceContribution> contributions)
    {
        foreach (var contribution in contributions)
        {
            if (_byType.TryGetValue(contribution.Definition.Type, out var first))
            {
                throw new InvalidOperationException(
                    $"The modules '{first.ModuleId}' and '{contribution.ModuleId}' both contribute the FHIR type {contribution.Definition.Type}; disable one of them in modules.json.");
            }

            _byType.Add(contribution.Definition.Type, contribution);
        }
    }

    /// <summary>Every contributed type, in the order of their names (the CapabilityStatement's order).</summary>
    public IReadOnlyList<FhirResourceContribution> All => [.. _byType.Values.OrderBy(c => c.Definition.Type, StringComparer.Ordinal)];

    /// <summary>The types in a patient's compartment, which <c>$everything</c> gathers.</summary>
    public IEnumerable<FhirResourceContribution> InPatientCompartment => All.Where(c => c.Definition.PatientParameter is not null);
}
