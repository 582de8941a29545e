using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.Fhir.Patients;

/// <summary>What a token may do with Patient resources, or why not.</summary>
/// <param name="Allowed">Whether the interaction may go ahead.</param>
/// <param name="OnlyPatient">When set, only this patient's record may be touched (a <c>patient/</c> scope).</param>
/// <param name="Refusal">Why not, for the OperationOutcome and the challenge.</param>
/// <param name="RequiredScopes">When the token lacks a scope for the interaction: the scopes that would allow it (RFC 6750 §3.1).</param>
public sealed record PatientAccess(bool Allowed, Guid? OnlyPatient, FhirMessage? Refusal, IReadOnlyList<string>? RequiredScopes = null)
{
    /// <summary>
    /// DESIGN §7 and SMART v2: <c>system/</c> scopes act for a client alone, within its registered scopes;
    /// <c>user/</c> scopes are limited by the user's privileges; <c>patient/</c> scopes by the patient in
    /// context. The most permissive applicable grant wins.
    /// </summary>
    public static async Task<PatientAccess> DecideAsync(TokenValidationResult token, Interaction interaction, IUserAccounts accounts, CancellationToken cancellationToken)
    {
        var contexts = SmartScopes.ContextsAllowing(token.Scopes, interaction);
        if (contexts.Count == 0)
        {
            var sufficient = SmartScopes.Declared.Select(d => d.Name).Where(name => SmartScopes.ContextsAllowing([name], interaction).Count > 0).ToList();
            return new(false, null, new FhirMessage("ScopeMissing", interaction.ToString().ToLowerInvariant(), string.Join(", ", sufficient)), sufficient);
        }

        if (contexts.Contains("system") && token.UserUuid is null)
        {
            return new(true, null, null);
        }

        FhirMessage? refusal = null;
        if (contexts.Contains("user") && token.UserUuid is { } userUuid)
        {
            var privilege = interaction switch
            {
                Interaction.Create => CorePrivileges.AddPatients,
                Interaction.Update => CorePrivileges.EditPatients,
                _ => CorePrivileges.ViewPatients,
            };
            var user = await accounts.FindByUuidAsync(userUuid, cancellationToken);
            if (user is { Retired: false } && user.HasPrivilege(privilege))
            {
                return new(true, null, null);
            }

            refusal = new FhirMessage("PrivilegeMissing", privilege);
        }

        if (contexts.Contains("patient") && interaction != Interaction.Create)
        {
            return token.PatientUuid is { } patient
                ? new(true, patient, null)
                : new(false, null, new FhirMessage("NoPatientInContext"));
        }

        return new(false, null, refusal ?? new FhirMessage("ScopesNotApplicable"));
    }
}
