using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// Who chooses the patient in context (SMART App Launch 2.2 §"Launch context"): a patient user is their
/// own record, anyone else granting <c>launch/patient</c> picks one among the patients they may view.
/// </summary>
public static class PatientPicker
{
    public static async Task<bool> IsNeededAsync(EmrUser user, IReadOnlyCollection<string> scopes, IPatientRecords patients, CancellationToken cancellationToken) =>
        scopes.Contains(OAuth2Scopes.LaunchPatient) && await PrincipalFactory.OwnPatientAsync(user, patients, cancellationToken) is null;

    /// <summary>The chosen patient when it may be in context for <paramref name="user"/>: a patient record that is not voided, and a user who may view patients.</summary>
    public static async Task<Guid?> FindChoiceAsync(EmrUser user, string? choice, IPatientRecords patients, CancellationToken cancellationToken) =>
        user.HasPrivilege(CorePrivileges.ViewPatients) && Guid.TryParse(choice, out var uuid) && await patients.GetAsync(uuid, cancellationToken) is { Voided: false }
            ? uuid
            : null;
}
