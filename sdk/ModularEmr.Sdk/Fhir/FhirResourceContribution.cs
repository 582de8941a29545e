using Microsoft.Extensions.DependencyInjection;

namespace ModularEmr.Sdk.Fhir;

/// <summary>
/// A contributed resource type as registered in the host's container, where the FHIR module finds it:
/// which module, what it declared, and the provider that serves it.
/// </summary>
public sealed class FhirResourceContribution
{
    internal FhirResourceContribution(string moduleId, FhirResourceDefinition definition, Type providerType)
    {
        ModuleId = moduleId;
        Definition = definition;
        ProviderType = providerType;
    }

    /// <summary>The id of the module that contributes it.</summary>
    public string ModuleId { get; }

    /// <summary>What the module declared.</summary>
    public FhirResourceDefinition Definition { get; }

    /// <summary>The provider's type, registered per request scope.</summary>
    public Type ProviderType { get; }

    /// <summary>The provider for the request whose services are <paramref name="services"/>.</summary>
    public IFhirResourceProvider Provider(IServiceProvider services) => (IFhirResourceProvider)services.GetRequiredService(ProviderType);
}
