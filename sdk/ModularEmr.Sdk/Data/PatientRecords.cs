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

    /// <summary>Patients meeting every given criterion (voided ones never), ordered by family then given name.</summary>
    Task<Page<PatientRecord>> FindAsync(PatientCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Replaces the demographics and names of a patient in one transaction.</summary>
    /// <param name="uuid">The patient.</param>
    /// <param name="update">The patient's demographics after the update.</param>
    /// <param name="expectedVersion">The version the caller read; null to skip the check.</param>
    /// <param name="actingUserUuid">Who changes it.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <exception cref="RecordNotFoundException">The patient is unknown or voided.</exception>
    /// <exception cref="RecordValidationException">A field is missing or too long, or a name uuid is not the patient's.</exception>
    /// <exception cref="RecordVersionConflictException">The patient changed since <paramref name="expectedVersion"/>, or concurrently.</exception>
    Task<PatientRecord> UpdateAsync(Guid uuid, PatientUpdate update, int? expectedVersion, Guid? actingUserUuid, CancellationToken cancellationToken = default);

    /// <summary>All identifier types that are not retired.</summary>
    Task<IReadOnlyList<IdentifierTypeRecord>> ListIdentifierTypesAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the person and patient in one transaction.</summary>
    /// <exception cref="RecordValidationException">A field is missing, too long, or an identifier is already in use.</exception>
    Task<PatientRecord> CreateAsync(NewPatient patient, Guid? actingUserUuid, CancellationToken cancellationToken = default);
}

/// <summary>The demographics of a patient after an update; names are matched by uuid.</summary>
/// <param name="Gender"><c>M</c>, <c>F</c>, <c>O</c> or <c>U</c>.</param>
/// <param name="Birthdate">Date of birth, if known.</param>
/// <param name="BirthdateEstimated">Whether it is estimated.</param>
/// <param name="Dead">Whether the patient has died.</param>
/// <param name="DeathDate">When, if known.</param>
/// <param name="Names">
/// The names the patient has after the update, preferred first: an entry with the uuid of an existing
/// name changes it, one without a uuid adds a name, and an existing name left out is voided.
/// </param>
public sealed record PatientUpdate(string Gender, DateOnly? Birthdate, bool BirthdateEstimated, bool Dead, DateTimeOffset? DeathDate, IReadOnlyList<PersonNameChange> Names);

/// <summary>A name in a <see cref="PatientUpdate"/>: <paramref name="Uuid"/> names an existing name, or is null for a new one.</summary>
public sealed record PersonNameChange(Guid? Uuid, PersonNameInput Name);

/// <summary>
/// Structured patient search (FHIR-style). Every criterion given must hold. String criteria match a name
/// part as their <see cref="StringMatch"/> says (by default its start, ignoring case and accents); dates are
/// inclusive bounds. Matches come ordered by the preferred name's family then given name (case and accents
/// ignored), then by when the patient was created.
/// </summary>
public sealed record PatientCriteria
{
    /// <summary>Only these patients.</summary>
    public IReadOnlyList<Guid>? Uuids { get; init; }

    /// <summary>The identifier type's system URI, or null for any system.</summary>
    public string? IdentifierSystem { get; init; }

    /// <summary>The identifier value (exact).</summary>
    public string? IdentifierValue { get; init; }

    /// <summary>Matches the start of any part of a name.</summary>
    public string? Name { get; init; }

    /// <summary>Matches the start of a family name.</summary>
    public string? Family { get; init; }

    /// <summary>Matches the start of a given or middle name.</summary>
    public string? Given { get; init; }

    /// <summary><c>M</c>, <c>F</c>, <c>O</c> or <c>U</c>.</summary>
    public string? Gender { get; init; }

    /// <summary>Born on or after this date.</summary>
    public DateOnly? BornOnOrAfter { get; init; }

    /// <summary>Born on or before this date.</summary>
    public DateOnly? BornOnOrBefore { get; init; }

    /// <summary>How <see cref="Name"/> matches.</summary>
    public StringMatch NameMatch { get; init; }

    /// <summary>How <see cref="Family"/> matches.</summary>
    public StringMatch FamilyMatch { get; init; }

    /// <summary>How <see cref="Given"/> matches.</summary>
    public StringMatch GivenMatch { get; init; }

    /// <summary>Matches to skip (before <see cref="After"/> or <see cref="Before"/>, if given, are applied).</summary>
    public int Offset { get; init; }

    /// <summary>Start after this position (a <see cref="Page{T}.NextCursor"/>); null for the start.</summary>
    /// <exception cref="RecordValidationException">Thrown by the search when the cursor is not one it made.</exception>
    public string? After { get; init; }

    /// <summary>End before this position (a <see cref="Page{T}.PreviousCursor"/>): the page before it.</summary>
    public string? Before { get; init; }

    /// <summary>Whether and how to count every match.</summary>
    public TotalMode Total { get; init; }

    /// <summary>Matches to return at most.</summary>
    public int Count { get; init; } = 10;
}

/// <summary>The record changed since the version the caller read.</summary>
public sealed class RecordVersionConflictException(string message, int currentVersion) : Exception(message)
{
    /// <summary>The version the record has now.</summary>
    public int CurrentVersion { get; } = currentVersion;
}
