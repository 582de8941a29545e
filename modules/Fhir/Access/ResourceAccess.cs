using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.Fhir.Access;

/// <summary>What a token may do with a resource type, or why not.</summary>
/// <param name="Allowed">Whether the interaction may go ahead.</param>
/// <param name="OnlyPatient">When set, only this patient's resources may be touched (a <c>patient/</c> scope).</param>
/// <param name="Refusal">Why not, for the OperationOutcome and the challenge.</param>
/// <param name="RequiredScopes">When the token lacks a scope for the interaction: the scopes that would allow it (RFC 6750 §3.1).</param>
public sealed record ResourceAccess(bool Allowed, Guid? OnlyPatient, FhirMessage? Refusal, IReadOnlyList<string>? RequiredScopes = null)
{
    /// <summary>Patient: reading needs <c>View Patients</c>, creating <c>Add Patients</c>, updating <c>Edit Patients</c>.</summary>
    public static Task<ResourceAccess> ToPatientsAsync(TokenValidationResult token, Interaction interaction, IUserAccounts accounts, CancellationToken cancellationToken) =>
        DecideAsync(token, "Patient", interaction, interaction switch
        {
            Interaction.Create => CorePrivileges.AddPatients,
            Interaction.Update => CorePrivileges.EditPatients,
            _ => CorePrivileges.ViewPatients,
        }, accounts, cancellationToken);

    /// <summary>
    /// DESIGN §7 and SMART v2: <c>system/</c> scopes act for a client alone, within its registered scopes;
    /// <c>user/</c> scopes are limited by the user's <paramref name="privilege"/>; <c>patient/</c> scopes by
    /// the patient in context. The most permissive applicable grant wins.
    /// </summary>
    public static async Task<ResourceAccess> DecideAsync(TokenValidationResult token, string resourceType, Interaction interaction, string privilege, IUserAccounts accounts, CancellationToken cancellationToken)
    {
        var contexts = SmartScopes.ContextsAllowing(token.Scopes, resourceType, interaction);
        if (contexts.Count == 0)
        {
            var sufficient = SmartScopes.Sufficient(resourceType, interaction);
            return new(false, null, new FhirMessage("ScopeMissing", interaction.ToString().ToLowerInvariant(), resourceType, string.Join(", ", sufficient)), sufficient);
        }

        if (contexts.Contains("system") && token.UserUuid is null)
        {
            return new(true, null, null);
        }

        FhirMessage? refusal = null;
        if (contexts.Contains("user") && token.UserUuid is { } userUuid)
        {
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
