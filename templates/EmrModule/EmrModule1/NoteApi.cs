using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Security;

namespace EmrModule1;

/// <summary><c>/ws/templatemoduleid/patient/{patientUuid}/notes</c>: a patient's notes, for tokens with the module's scope.</summary>
public static class NoteApi
{
    public static IEndpointRouteBuilder MapNoteApi(this IEndpointRouteBuilder endpoints)
    {
        var notes = endpoints.MapGroup("/ws/templatemoduleid/patient/{patientUuid:guid}/notes")
            .DisableAntiforgery()
            .RequireBearerToken(options => options.Realm = "templatemoduleid");
        notes.MapGet("/", ListAsync).RequireScope(EmrModule1Module.ReadScope).RequirePrivilege(EmrModule1Module.ViewPrivilege);
        return endpoints;
    }

    private static async Task<Results<Ok<List<NoteView>>, NotFound<string>>> ListAsync(Guid patientUuid, IPatientRecords patients, EmrModule1DbContext db, CancellationToken cancellationToken)
    {
        if (await patients.GetAsync(patientUuid, cancellationToken) is not { Voided: false })
        {
            return TypedResults.NotFound($"No patient {patientUuid}.");
        }

        var notes = await db.Notes.AsNoTracking().Where(n => n.PatientUuid == patientUuid).OrderBy(n => n.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(notes.Select(n => new NoteView(n.Uuid, n.Text, n.WrittenAt)).ToList());
    }
}
