using Hl7.Fhir.Model;
using ModularEmr.Modules.Fhir.Contributed;
using ModularEmr.Modules.Fhir.Patients;

namespace ModularEmr.Modules.Fhir.Conformance;

/// <summary>What this server implements, and nothing more (FHIR R4 §2.37 CapabilityStatement).</summary>
public static class CapabilityStatementFactory
{
    private static readonly DateTimeOffset Published = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    public static CapabilityStatement Create(string baseUrl, ContributedResources contributed)
    {
        var origin = baseUrl[..baseUrl.IndexOf("/ws/fhir", StringComparison.Ordinal)];
        var security = new CapabilityStatement.SecurityComponent
        {
            Cors = false,
            Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART App Launch")],
            Description = "OAuth 2.0 bearer tokens from this server's OAuth2 module; SMART App Launch v2 scopes (v1 .read/.write accepted). "
                + "Launch context: patient (standalone launch), need_patient_banner and smart_style_url; no encounter context, as encounters are not modelled.",
        };
        security.Extension.Add(new Extension
        {
            Url = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
            Extension =
            [
                new Extension("authorize", new FhirUri($"{origin}/ws/oauth2/authorize")),
                new Extension("token", new FhirUri($"{origin}/ws/oauth2/token")),
                new Extension("revoke", new FhirUri($"{origin}/ws/oauth2/revoke")),
                new Extension("introspect", new FhirUri($"{origin}/ws/oauth2/introspect")),
                new Extension("register", new FhirUri($"{origin}/ws/oauth2/register")),
            ],
        });

        var patient = new CapabilityStatement.ResourceComponent
        {
            Type = "Patient",
            Profile = "http://hl7.org/fhir/StructureDefinition/Patient",
            Interaction =
            [
                new() { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                new() { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
                new() { Code = CapabilityStatement.TypeRestfulInteraction.Create },
                new() { Code = CapabilityStatement.TypeRestfulInteraction.Update },
            ],
            Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned,
            ReadHistory = false,
            UpdateCreate = false,
            ConditionalCreate = false,
            ConditionalRead = CapabilityStatement.ConditionalReadStatus.NotMatch,
            ConditionalUpdate = false,
            ConditionalDelete = CapabilityStatement.ConditionalDeleteStatus.NotSupported,
            SearchParam = PatientSearch.Supported.Select(p => new CapabilityStatement.SearchParamComponent
            {
                Name = p.Name,
                Type = Enum.Parse<SearchParamType>(p.Type, ignoreCase: true),
                Documentation = p.Description,
            }).ToList(),
            Operation =
            [
                new CapabilityStatement.OperationComponent { Name = "everything", Definition = "http://hl7.org/fhir/OperationDefinition/Patient-everything" },
            ],
        };

        // Types other modules contribute: read and search with the parameters their modules declare.
        var others = contributed.All.Select(c => new CapabilityStatement.ResourceComponent
        {
            Type = c.Definition.Type,
            Profile = c.Definition.Profile,
            Interaction =
            [
                new() { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                new() { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
            ],
            SearchParam = c.Definition.SearchParameters.Select(p => new CapabilityStatement.SearchParamComponent
            {
                Name = p.Name,
                Type = Enum.Parse<SearchParamType>(p.Type.ToString()),
                Documentation = p.Description,
            }).ToList(),
        });

        return new CapabilityStatement
        {
            Id = "modularemr",
            Url = $"{baseUrl}/metadata",
            Name = "ModularEmr",
            Title = "ModularEmr FHIR R4 server",
            Status = PublicationStatus.Active,
            Experimental = false,
            Date = Published.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Publisher = "ModularEmr",
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "ModularEmr FHIR module", Version = typeof(CapabilityStatementFactory).Assembly.GetName().Version?.ToString(3) },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "ModularEmr", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json", "xml", Http.FhirFormats.Json, Http.FhirFormats.Xml],
            Rest =
            [
                new CapabilityStatement.RestComponent
                {
                    Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                    Security = security,
                    Resource = [patient, .. others],
                },
            ],
        };
    }
}
