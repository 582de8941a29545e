using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Sdk.Fhir;

namespace ModularEmr.Samples.Allergies.Fhir;

/// <summary>
/// The module's allergies as FHIR R4 <c>AllergyIntolerance</c>, served by the FHIR module: this type finds
/// them and writes their JSON; tokens, scopes, formats and paging are the FHIR module's.
/// </summary>
public sealed class AllergyIntoleranceProvider(AllergyDbContext db) : IFhirResourceProvider
{
    public const string ClinicalStatusSystem = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";

    public static readonly FhirResourceDefinition Definition = new(
        "AllergyIntolerance",
        AllergiesModule.ViewPrivilege,
        [
            new("patient", FhirSearchParameterType.Reference, "Who the allergy is for"),
            new("clinical-status", FhirSearchParameterType.Token, "active | inactive | resolved"),
        ],
        PatientParameter: "patient");

    public async Task<FhirResourceDocument?> ReadAsync(string id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var uuid) && await db.Allergies.AsNoTracking().FirstOrDefaultAsync(a => a.Uuid == uuid, cancellationToken) is { } allergy
            ? Document(allergy)
            : null;

    public async Task<FhirResourcePage> SearchAsync(FhirSearch search, CancellationToken cancellationToken)
    {
        var matches = db.Allergies.AsNoTracking();
        if (search.Patient is { } patient)
        {
            matches = matches.Where(a => a.PatientUuid == patient);
        }

        // Each repetition of the parameter narrows (FHIR "and"); commas within one list alternatives ("or").
        foreach (var value in search.Parameters.GetValueOrDefault("clinical-status", []))
        {
            var statuses = value.Split(',').Select(ClinicalStatus).ToList();
            matches = matches.Where(a => statuses.Contains(a.ClinicalStatus));
        }

        var total = await matches.CountAsync(cancellationToken);
        if (search.After is { } after)
        {
            if (!int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var last))
            {
                throw new FhirSearchException("_after", $"'{after}' is not a position this search gave.");
            }

            matches = matches.Where(a => a.Id > last);
        }

        var page = await matches.OrderBy(a => a.Id).Take(search.Count + 1).ToListAsync(cancellationToken);
        var more = page.Count > search.Count;
        var shown = page.Take(search.Count).ToList();
        return new FhirResourcePage(
            [.. shown.Select(Document)],
            more && shown.Count > 0 ? shown[^1].Id.ToString(CultureInfo.InvariantCulture) : null,
            total);
    }

    private static AllergyClinicalStatus ClinicalStatus(string token)
    {
        var bar = token.IndexOf('|', StringComparison.Ordinal);
        var (system, code) = bar < 0 ? (null, token) : (token[..bar], token[(bar + 1)..]);
        if ((system is null || system == ClinicalStatusSystem) && code is "active" or "inactive" or "resolved")
        {
            return Enum.Parse<AllergyClinicalStatus>(code, ignoreCase: true);
        }

        throw new FhirSearchException("clinical-status", $"'{token}' is not one of active, inactive, resolved (system {ClinicalStatusSystem}).");
    }

    private static FhirResourceDocument Document(Allergy allergy)
    {
        var resource = new JsonObject
        {
            ["resourceType"] = "AllergyIntolerance",
            ["id"] = allergy.Uuid.ToString(),
            ["meta"] = new JsonObject { ["lastUpdated"] = allergy.RecordedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) },
            ["clinicalStatus"] = Coded(ClinicalStatusSystem, allergy.ClinicalStatus.ToString().ToLowerInvariant()),
            // Only what a clinician confirmed is recorded through this module's API.
            ["verificationStatus"] = Coded("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed"),
            ["code"] = new JsonObject { ["text"] = allergy.Substance },
            ["patient"] = new JsonObject { ["reference"] = $"Patient/{allergy.PatientUuid}" },
            ["recordedDate"] = allergy.RecordedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        };

        // FHIR requires a manifestation for a reaction; without one recorded, the severity has nowhere to go.
        if (allergy.Reaction is { } reaction)
        {
            resource["reaction"] = new JsonArray(new JsonObject
            {
                ["manifestation"] = new JsonArray(new JsonObject { ["text"] = reaction }),
                ["severity"] = allergy.Severity.ToString().ToLowerInvariant(),
            });
        }

        return new FhirResourceDocument(allergy.Uuid.ToString(), allergy.PatientUuid, resource);
    }

    private static JsonObject Coded(string system, string code) =>
        new() { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) };
}
