namespace ModularEmr.Host.Data;

// The core model after OpenMRS (DESIGN §5). Data is voided, never deleted; metadata is retired.

/// <summary>Creation, change and voiding of a clinical record (OpenMRS BaseOpenmrsData).</summary>
internal abstract class AuditedData
{
    public int Id { get; set; }
    public Guid Uuid { get; set; } = Guid.NewGuid();
    public int? CreatorId { get; set; }
    public DateTimeOffset DateCreated { get; set; }
    public int? ChangedById { get; set; }
    public DateTimeOffset? DateChanged { get; set; }
    public bool Voided { get; set; }
    public int? VoidedById { get; set; }
    public DateTimeOffset? DateVoided { get; set; }
    public string? VoidReason { get; set; }
}

internal sealed class Person : AuditedData
{
    public string Gender { get; set; } = "U";
    public DateOnly? Birthdate { get; set; }
    public bool BirthdateEstimated { get; set; }
    public bool Dead { get; set; }
    public DateTimeOffset? DeathDate { get; set; }

    /// <summary>Raised by every change to the person, its names or addresses; the optimistic concurrency token.</summary>
    public int Version { get; set; } = 1;

    /// <summary>
    /// The preferred name's family key then given key (empty without one): the search order, stored and
    /// indexed so a page of a million matches is read in order instead of sorted. Kept by <see cref="CoreDbContext"/>.
    /// </summary>
    public string SortFamily { get; set; } = string.Empty;

    /// <inheritdoc cref="SortFamily"/>
    public string SortGiven { get; set; } = string.Empty;

    public List<PersonName> Names { get; set; } = [];
    public List<PersonAddress> Addresses { get; set; } = [];
    public Patient? Patient { get; set; }
}

internal sealed class PersonName : AuditedData
{
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public bool Preferred { get; set; }
    public string? Prefix { get; set; }
    public string? GivenName { get; set; }
    public string? MiddleName { get; set; }
    public string? FamilyNamePrefix { get; set; }
    public string? FamilyName { get; set; }
    public string? FamilyName2 { get; set; }
    public string? FamilyNameSuffix { get; set; }
    public string? Degree { get; set; }

    // The searchable keys of the parts (see Records.Search.NameKey), null while the name is voided so that
    // an index range finds live names only. Set from the parts on every save by CoreDbContext.
    public string? GivenKey { get; set; }
    public string? MiddleKey { get; set; }
    public string? FamilyKey { get; set; }
    public string? Family2Key { get; set; }

    // The person's sort columns, copied onto each of its names so the key indexes can carry them: a name
    // search then reads its matches in the search order from the index alone, with no row per match.
    public string PersonSortFamily { get; set; } = string.Empty;
    public string PersonSortGiven { get; set; } = string.Empty;
}

internal sealed class PersonAddress : AuditedData
{
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public bool Preferred { get; set; }
    public string? Address1 { get; set; }
    public string? Address2 { get; set; }
    public string? CityVillage { get; set; }
    public string? StateProvince { get; set; }
    public string? PostalCode { get; set; }
    public string? Country { get; set; }
}

/// <summary>A patient is a person (same id and uuid) with identifiers.</summary>
internal sealed class Patient
{
    public int PersonId { get; set; }
    public Person Person { get; set; } = null!;
    public int? CreatorId { get; set; }
    public DateTimeOffset DateCreated { get; set; }
    public bool Voided { get; set; }
    public DateTimeOffset? DateVoided { get; set; }
    public string? VoidReason { get; set; }
    public List<PatientIdentifier> Identifiers { get; set; } = [];
}

internal sealed class PatientIdentifierType
{
    public int Id { get; set; }
    public Guid Uuid { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>The URI that names this identifier system in FHIR <c>Identifier.system</c>.</summary>
    public string? SystemUri { get; set; }

    public bool Retired { get; set; }
}

internal sealed class PatientIdentifier : AuditedData
{
    public int PatientId { get; set; }
    public Patient Patient { get; set; } = null!;
    public int IdentifierTypeId { get; set; }
    public PatientIdentifierType IdentifierType { get; set; } = null!;
    public required string Identifier { get; set; }
    public bool Preferred { get; set; }
}

internal sealed class UserAccount
{
    public int Id { get; set; }
    public Guid Uuid { get; set; } = Guid.NewGuid();
    public required string Username { get; set; }

    /// <summary>Upper-cased username, unique, for case-insensitive sign-in.</summary>
    public required string NormalizedUsername { get; set; }

    /// <summary>ASP.NET Core Identity's PBKDF2 hash (format V3); never the password itself.</summary>
    public required string PasswordHash { get; set; }

    public int? PersonId { get; set; }
    public Person? Person { get; set; }
    public bool Retired { get; set; }
    public int FailedLoginAttempts { get; set; }
    public DateTimeOffset? LockoutUntil { get; set; }
    public DateTimeOffset DateCreated { get; set; }
    public DateTimeOffset? DateChanged { get; set; }
    public List<Role> Roles { get; set; } = [];
}

internal sealed class Role
{
    public int Id { get; set; }
    public Guid Uuid { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public string? Description { get; set; }
    public List<Privilege> Privileges { get; set; } = [];
    public List<UserAccount> Users { get; set; } = [];
}

internal sealed class Privilege
{
    public int Id { get; set; }
    public Guid Uuid { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public string? Description { get; set; }
    public List<Role> Roles { get; set; } = [];
}

/// <summary>An OAuth 2.0 scope a module declared on install.</summary>
internal sealed class ScopeDefinition
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string ModuleId { get; set; }
    public required string DisplayName { get; set; }
    public required string Description { get; set; }
}

/// <summary>The version of each module installed on this database.</summary>
internal sealed class ModuleState
{
    public required string ModuleId { get; set; }
    public required string Version { get; set; }
    public DateTimeOffset InstalledAt { get; set; }
    public DateTimeOffset? UpgradedAt { get; set; }
}
