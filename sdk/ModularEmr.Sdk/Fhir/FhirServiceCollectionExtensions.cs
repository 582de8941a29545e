using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Sdk.Fhir;

/// <summary>Contributing FHIR resource types to the FHIR module. Added in sdk 1.8.0.</summary>
public static partial class FhirServiceCollectionExtensions
{
    /// <summary>
    /// Serves <paramref name="definition"/>'s resource type through the FHIR module with
    /// <typeparamref name="TProvider"/>, created per request (it may take the module's DbContext). Nothing
    /// happens when the FHIR module is not installed: a module does not need it to start.
    /// </summary>
    /// <exception cref="ArgumentException">The definition names no FHIR type, or its parameters are not FHIR names.</exception>
    public static IServiceCollection AddFhirResource<TProvider>(this IServiceCollection services, ModuleContext context, FhirResourceDefinition definition)
        where TProvider : class, IFhirResourceProvider
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(definition);
        if (!TypeName().IsMatch(definition.Type) || definition.Type is "Patient" or "Bundle" or "OperationOutcome" or "CapabilityStatement")
        {
            throw new ArgumentException($"'{definition.Type}' is not a FHIR resource type a module may contribute.", nameof(definition));
        }

        if (string.IsNullOrWhiteSpace(definition.ReadPrivilege))
        {
            throw new ArgumentException($"{definition.Type} names no privilege for user/ scopes.", nameof(definition));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in definition.SearchParameters)
        {
            if (!ParameterName().IsMatch(parameter.Name) || !names.Add(parameter.Name))
            {
                throw new ArgumentException($"{definition.Type}: '{parameter.Name}' is not a search parameter name, or is listed twice (names are lower-case FHIR names; those starting with '_' belong to the FHIR module).", nameof(definition));
            }
        }

        if (definition.PatientParameter is { } patient && definition.SearchParameters.FirstOrDefault(p => p.Name == patient) is not { Type: FhirSearchParameterType.Reference })
        {
            throw new ArgumentException($"{definition.Type}: the patient parameter '{patient}' must be one of its search parameters, of type reference.", nameof(definition));
        }

        services.AddScoped<TProvider>();
        return services.AddSingleton(new FhirResourceContribution(context.Module.Id, definition, typeof(TProvider)));
    }

    [GeneratedRegex("^[A-Z][A-Za-z]{1,63}$")]
    private static partial Regex TypeName();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$")]
    private static partial Regex ParameterName();
}
