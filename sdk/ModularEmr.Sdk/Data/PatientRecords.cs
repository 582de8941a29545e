namespace ModularEmr.Sdk.Data;

/// <summary>A patient: a person with identifiers (OpenMRS <c>patient</c>).</summary>
/// <param name="Person">The person the patient is.</param>
/// <param name="Identifiers">Identifiers, the preferred one first; voided ones are included and flagged.</param>
/// <param name="Voided">True when the patient record was voided.</param>
public sealed record PatientRecord(PersonRecord Person, IReadOnlyList<PatientIdentifierRecord> Identifiers, bool Voided)
{
    /// <summary>The patient's uuid, which is its person's.</summary>
    public Guid Uuid => Person.Uuid;
}

/// <summary>An identifier of a patient (OpenMRS <c>patient_identifier</c>).</summary>
public sealed record PatientIdentifierRecord(Guid Uuid, string Value, IdentifierTypeRecord Type, bool Preferred, bool Voided);

/// <summary>A kind of patient identifier, with the URI that names its system in FHIR.</summary>
public sealed record IdentifierTypeRecord(Guid Uuid, string Name, string? SystemUri);

/// <summary>A patient to create.</summary>
/// <param name="Gender"><c>M</c>, <c>F</c>, <c>O</c> or <c>U</c>.</param>
/// <param name="Birthdate">Date of birth, if known.</param>
/// <param name="BirthdateEstimated">Whether the date of birth is estimated.</param>
/// <param name="Names">At least one name; the first preferred one (or the first) is preferred.</param>
/// <param name="Identifiers">At least one identifier.</param>
/// <param name="Uuid">The uuid to give the patient, or null for a new one.</param>
public sealed record NewPatient(
    string Gender,
    DateOnly? Birthdate,
    bool BirthdateEstimated,
    IReadOnlyList<PersonNameInput> Names,
    IReadOnlyList<NewPatientIdentifier> Identifiers,
    Guid? Uuid = null);

/// <summary>An identifier of a patient to create.</summary>
/// <param name="TypeName">The name of an existing identifier type.</param>
/// <param name="Value">The identifier.</param>
/// <param name="Preferred">Whether it is the preferred identifier.</param>
public sealed record NewPatientIdentifier(string TypeName, string Value, bool Preferred = true);

/// <summary>Patients: the host's core data, read and changed through this contract.</summary>
public interface IPatientRecords
{
    /// <summary>The patient, voided or not (see <see cref="PatientRecord.Voided"/>), or null when unknown.</summary>
    Task<PatientRecord?> GetAsync(Guid uuid, CancellationToken cancellationToken = default);

    /// <summary>Patients whose names or identifiers match, ordered by family then given name.</summary>
    Task<Page<PatientRecord>> SearchAsync(RecordQuery query, CancellationToken cancellationToken = default);

    /// <summary>All identifier types that are not retired.</summary>
    Task<IReadOnlyList<IdentifierTypeRecord>> ListIdentifierTypesAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the person and patient in one transaction.</summary>
    /// <exception cref="RecordValidationException">A field is missing, too long, or an identifier is already in use.</exception>
    Task<PatientRecord> CreateAsync(NewPatient patient, Guid? actingUserUuid, CancellationToken cancellationToken = default);
}
