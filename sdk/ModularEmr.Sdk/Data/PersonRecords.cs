namespace ModularEmr.Sdk.Data;

/// <summary>Who created and last changed a record, and when.</summary>
public sealed record AuditInfo(Guid? CreatorUuid, DateTimeOffset DateCreated, Guid? ChangedByUuid, DateTimeOffset? DateChanged);

/// <summary>A person (OpenMRS <c>person</c>).</summary>
/// <param name="Uuid">The person's uuid; a patient's uuid is its person's.</param>
/// <param name="Gender"><c>M</c>, <c>F</c>, <c>O</c> or <c>U</c>.</param>
/// <param name="Birthdate">The date of birth, if known.</param>
/// <param name="BirthdateEstimated">True when <paramref name="Birthdate"/> is an estimate.</param>
/// <param name="Dead">True when the person has died.</param>
/// <param name="DeathDate">The date of death, if known.</param>
/// <param name="Voided">True when the record was voided (soft-deleted).</param>
/// <param name="Names">Names, the preferred one first; voided names are included and flagged.</param>
/// <param name="Addresses">Addresses, the preferred one first; voided addresses are included and flagged.</param>
/// <param name="IsPatient">True when the person is also a patient.</param>
/// <param name="Version">Increases with every change to the person, its names or addresses (for ETags).</param>
/// <param name="Audit">Creation and last change.</param>
public sealed record PersonRecord(
    Guid Uuid,
    string Gender,
    DateOnly? Birthdate,
    bool BirthdateEstimated,
    bool Dead,
    DateTimeOffset? DeathDate,
    bool Voided,
    IReadOnlyList<PersonNameRecord> Names,
    IReadOnlyList<PersonAddressRecord> Addresses,
    bool IsPatient,
    int Version,
    AuditInfo Audit)
{
    /// <summary>The preferred name that is not voided, else the first name that is not voided.</summary>
    public PersonNameRecord? PreferredName =>
        Names.FirstOrDefault(n => n is { Preferred: true, Voided: false }) ?? Names.FirstOrDefault(n => !n.Voided);
}

/// <summary>A person's name (OpenMRS <c>person_name</c>).</summary>
public sealed record PersonNameRecord(
    Guid Uuid,
    bool Preferred,
    string? Prefix,
    string? GivenName,
    string? MiddleName,
    string? FamilyNamePrefix,
    string? FamilyName,
    string? FamilyName2,
    string? FamilyNameSuffix,
    string? Degree,
    bool Voided,
    string? VoidReason,
    AuditInfo Audit)
{
    /// <summary>The formatted name, as OpenMRS displays it: prefix, given, middle, family prefix, family, family 2, suffix, degree.</summary>
    public string Display => string.Join(' ', new[] { Prefix, GivenName, MiddleName, FamilyNamePrefix, FamilyName, FamilyName2, FamilyNameSuffix, Degree }
        .Where(part => !string.IsNullOrWhiteSpace(part)));
}

/// <summary>A person's address (OpenMRS <c>person_address</c>).</summary>
public sealed record PersonAddressRecord(
    Guid Uuid,
    bool Preferred,
    string? Address1,
    string? Address2,
    string? CityVillage,
    string? StateProvince,
    string? PostalCode,
    string? Country,
    bool Voided);

/// <summary>The fields of a person name a caller sets; every field is optional but given and family names.</summary>
public sealed record PersonNameInput
{
    /// <summary>Title, e.g. Dr.</summary>
    public string? Prefix { get; init; }

    /// <summary>Given name (required).</summary>
    public string? GivenName { get; init; }

    /// <summary>Middle name.</summary>
    public string? MiddleName { get; init; }

    /// <summary>Family name prefix, e.g. van.</summary>
    public string? FamilyNamePrefix { get; init; }

    /// <summary>Family name (required).</summary>
    public string? FamilyName { get; init; }

    /// <summary>Second family name.</summary>
    public string? FamilyName2 { get; init; }

    /// <summary>Family name suffix, e.g. Jr.</summary>
    public string? FamilyNameSuffix { get; init; }

    /// <summary>Degree, e.g. PhD.</summary>
    public string? Degree { get; init; }

    /// <summary>Whether this name becomes the preferred one (the previous preferred name stops being preferred).</summary>
    public bool Preferred { get; init; } = true;
}

/// <summary>A search over persons or patients, paged as OpenMRS REST pages.</summary>
/// <param name="Text">
/// Every word must start some part of a non-voided name, ignoring case and accents (for patients, the whole
/// text may instead be an identifier); null for all.
/// </param>
/// <param name="StartIndex">How many matches to skip.</param>
/// <param name="Limit">How many to return at most.</param>
/// <param name="IncludeVoided">Whether voided records match too.</param>
public sealed record RecordQuery(string? Text = null, int StartIndex = 0, int Limit = 50, bool IncludeVoided = false)
{
    /// <summary>Whether to count every match for <see cref="Page{T}.Total"/> (a scan of them all); false gives <see cref="Page{T}.HasMore"/> only.</summary>
    public bool CountTotal { get; init; } = true;
}

/// <summary>One page of matches.</summary>
/// <param name="Items">The matches on this page.</param>
/// <param name="Total">
/// How many match in all when <see cref="TotalKnown"/>; otherwise how many are known to match: those before
/// and on this page, plus one if <see cref="HasMore"/>.
/// </param>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total)
{
    /// <summary>The most matches <see cref="TotalMode.Estimate"/> counts.</summary>
    public const int CountLimit = 1000;

    /// <summary>False when the search did not count every match (see <see cref="TotalMode"/>).</summary>
    public bool TotalKnown { get; init; } = true;

    /// <summary>Whether more matches follow this page.</summary>
    public bool HasMore { get; init; }

    /// <summary>
    /// An opaque position after this page's last match, for <see cref="PatientCriteria.After"/>: the next
    /// page starts there even if records are added or removed before it. Null when no match follows.
    /// </summary>
    public string? NextCursor { get; init; }

    /// <summary>An opaque position before this page's first match, for <see cref="PatientCriteria.Before"/>; null on the first page.</summary>
    public string? PreviousCursor { get; init; }
}

/// <summary>Persons and their names: the host's core data, read and changed through this contract.</summary>
public interface IPersonRecords
{
    /// <summary>The person, voided or not (see <see cref="PersonRecord.Voided"/>), or null when unknown.</summary>
    Task<PersonRecord?> GetAsync(Guid uuid, CancellationToken cancellationToken = default);

    /// <summary>Persons whose names match, ordered by family then given name.</summary>
    Task<Page<PersonRecord>> SearchAsync(RecordQuery query, CancellationToken cancellationToken = default);

    /// <summary>Adds a name, in one transaction; it becomes the preferred name unless the input says otherwise.</summary>
    /// <exception cref="RecordNotFoundException">The person is unknown or voided.</exception>
    /// <exception cref="RecordValidationException">A field is missing or too long.</exception>
    Task<PersonNameRecord> AddNameAsync(Guid personUuid, PersonNameInput name, Guid? actingUserUuid, CancellationToken cancellationToken = default);

    /// <summary>Changes a name in place, in one transaction.</summary>
    /// <exception cref="RecordNotFoundException">The person or name is unknown or voided.</exception>
    /// <exception cref="RecordValidationException">A field is missing or too long.</exception>
    Task<PersonNameRecord> UpdateNameAsync(Guid personUuid, Guid nameUuid, PersonNameInput name, Guid? actingUserUuid, CancellationToken cancellationToken = default);

    /// <summary>Voids a name with a reason; the last name of a person cannot be voided.</summary>
    /// <exception cref="RecordNotFoundException">The person or name is unknown or voided.</exception>
    /// <exception cref="RecordValidationException">No reason, or it is the person's only name.</exception>
    Task VoidNameAsync(Guid personUuid, Guid nameUuid, string reason, Guid? actingUserUuid, CancellationToken cancellationToken = default);
}
