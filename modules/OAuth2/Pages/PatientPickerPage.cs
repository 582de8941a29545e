using System.Globalization;
using Microsoft.AspNetCore.Http;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using OpenIddict.Abstractions;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>
/// SMART App Launch 2.2 §"Launch context": a user who is not the patient (a clinician) and grants
/// <c>launch/patient</c> chooses the patient the app will work with. One form: the search button comes
/// first so that Enter in the search field searches, and each match is a button that chooses it.
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
        var results = matches switch
        {
            null => string.Empty,
            { Items.Count: 0 } => $"<p id=\"no-match\">No patient matches <strong>{Html.Encode(query)}</strong>.</p>",
            _ => $"""
                <table id="matches"><caption>Patients matching {Html.Encode(query)}{(matches.HasMore ? $" (the first {Shown}; refine the search for others)" : string.Empty)}</caption>
                <thead><tr><th scope="col">Name</th><th scope="col">Born</th><th scope="col">Gender</th><th scope="col">Identifier</th><th scope="col"></th></tr></thead>
                <tbody>{string.Concat(matches.Items.Select(Row))}</tbody></table>
                """,
        };

        var body = $"""
            <p>Signed in as <strong>{Html.Encode(user.Username)}</strong>.</p>
            <p><strong id="client-name">{Html.Encode(clientName)}</strong> works with one patient's record at a time. Choose the patient.</p>
            {Html.Error(error)}
            <form method="post" action="{OAuth2ServerRegistration.AuthorizeUri}">
              {Html.AntiforgeryField(services.Antiforgery, http)}
              {AuthorizationEndpoint.CarriedFields(request)}
              {Html.Hidden(AuthorizationEndpoint.DecisionField, "approve")}
              {(remember ? Html.Hidden(AuthorizationEndpoint.RememberField, "true") : string.Empty)}
              <label for="patient-query">Name or identifier</label>
              <input type="text" id="patient-query" name="{AuthorizationEndpoint.PatientQueryField}" value="{Html.Encode(query)}" autofocus>
              <button type="submit" id="search">Search</button>
              {results}
            </form>
            <form method="post" action="{OAuth2ServerRegistration.AuthorizeUri}">
              {Html.AntiforgeryField(services.Antiforgery, http)}
              {AuthorizationEndpoint.CarriedFields(request)}
              <button type="submit" name="{AuthorizationEndpoint.DecisionField}" value="deny">Cancel</button>
            </form>
            """;
        return Html.Page($"Choose a patient for {clientName}", body, error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static string Row(PatientRecord patient)
    {
        var identifier = patient.Identifiers.FirstOrDefault(i => i is { Preferred: true, Voided: false }) ?? patient.Identifiers.FirstOrDefault(i => !i.Voided);
        return $"""
            <tr data-patient="{patient.Uuid}"><td>{Html.Encode(patient.Person.PreferredName?.Display)}</td>
            <td>{Html.Encode(patient.Person.Birthdate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}</td>
            <td>{Html.Encode(patient.Person.Gender)}</td><td>{Html.Encode(identifier?.Value)}</td>
            <td><button type="submit" name="{AuthorizationEndpoint.PatientChoiceField}" value="{patient.Uuid}">Choose</button></td></tr>
            """;
    }
}
