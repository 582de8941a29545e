using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Samples.Allergies;

/// <summary><c>/ws/allergies/patient/{patientUuid}</c>: list and record a patient's allergies.</summary>
public static class AllergyApi
{
    public static IEndpointRouteBuilder MapAllergyApi(this IEndpointRouteBuilder endpoints)
    {
        var allergies = endpoints.MapGroup("/ws/allergies/patient/{patientUuid:guid}")
            .DisableAntiforgery()
            .RequireBearerToken(options => options.Realm = "allergies");
        allergies.MapGet("/", ListAsync).RequireScope(AllergiesModule.ReadScope).RequirePrivilege(AllergiesModule.ViewPrivilege);
        allergies.MapPost("/", RecordAsync).RequireScope(AllergiesModule.WriteScope).RequirePrivilege(AllergiesModule.EditPrivilege);
        return endpoints;
    }

    /// <summary>What a client sends to record an allergy.</summary>
    public sealed record NewAllergy(string? Substance, string? Reaction, string? Severity, string? ClinicalStatus = null);

    /// <summary>An allergy as the API shows it.</summary>
    public sealed record AllergyView(Guid Uuid, string Substance, string? Reaction, string Severity, string ClinicalStatus, DateTimeOffset RecordedAt);

    private static async Task<Results<Ok<List<AllergyView>>, NotFound<string>>> ListAsync(Guid patientUuid, IPatientRecords patients, AllergyDbContext db, CancellationToken cancellationToken)
    {
        if (await patients.GetAsync(patientUuid, cancellationToken) is not { Voided: false })
        {
            return TypedResults.NotFound($"No patient {patientUuid}.");
        }

        var list = await db.Allergies.AsNoTracking().Where(a => a.PatientUuid == patientUuid).OrderBy(a => a.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(list.Select(View).ToList());
    }

    private static async Task<Results<Created<AllergyView>, NotFound<string>, ValidationProblem>> RecordAsync(
        Guid patientUuid, NewAllergy body, HttpContext http, IPatientRecords patients, AllergyDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Substance) || body.Substance.Length > 100)
        {
            errors["substance"] = ["substance is required, at most 100 characters"];
        }

        if (body.Reaction?.Length > 255)
        {
            errors["reaction"] = ["reaction is at most 255 characters"];
        }

        if (!Enum.TryParse<AllergySeverity>(body.Severity, ignoreCase: true, out var severity) || !Enum.IsDefined(severity))
        {
            errors["severity"] = ["severity is required: Mild, Moderate or Severe"];
        }

        var clinicalStatus = AllergyClinicalStatus.Active;
        if (body.ClinicalStatus is not null
            && (!Enum.TryParse(body.ClinicalStatus, ignoreCase: true, out clinicalStatus) || !Enum.IsDefined(clinicalStatus)))
        {
            errors["clinicalStatus"] = ["clinicalStatus is Active (the default), Inactive or Resolved"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await patients.GetAsync(patientUuid, cancellationToken) is not { Voided: false })
        {
            return TypedResults.NotFound($"No patient {patientUuid}.");
        }

        var allergy = new Allergy
        {
            PatientUuid = patientUuid,
            Substance = body.Substance!.Trim(),
            Reaction = body.Reaction?.Trim(),
            Severity = severity,
            ClinicalStatus = clinicalStatus,
            RecordedBy = http.GetAccessToken()!.UserUuid,
            RecordedAt = clock.GetUtcNow(),
        };
        db.Allergies.Add(allergy);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/ws/allergies/patient/{patientUuid}", View(allergy));
    }

    private static AllergyView View(Allergy allergy) =>
        new(allergy.Uuid, allergy.Substance, allergy.Reaction, allergy.Severity.ToString(), allergy.ClinicalStatus.ToString(), allergy.RecordedAt);
}
