using Microsoft.AspNetCore.Http;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using OpenIddict.Abstractions;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>
/// SMART App Launch 2.2 §"Launch context": a user who is not the patient (a clinician) and grants
/// <c>launch/patient</c> chooses the patient the app will work with.
/// </summary>
public static class PatientPickerPage
{
    private const int Shown = 20;

    public static async Task<IResult> RenderAsync(
        HttpContext http, AuthorizationEndpoint.AuthorizationServices services, OpenIddictRequest request, string clientName, EmrUser user,
        string? query, bool remember, string? error = null)
    {
        var matches = string.IsNullOrWhiteSpace(query)
            ? null
            : await services.Patients.SearchAsync(new RecordQuery(query.Trim(), Limit: Shown) { CountTotal = false }, http.RequestAborted);
        return PageResults.Of<PatientPickerView>(
            new
            {
                UserName = user.Username,
                ClientName = clientName,
                Carried = AuthorizationEndpoint.CarriedFields(request),
                Query = query,
                Matches = matches,
                Remember = remember,
                Error = error,
            },
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
