using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records;

/// <summary>Turns core entities into the sdk's records.</summary>
internal static class RecordMapping
{
    /// <summary>The acting user's row id, read before a write so the record writer's units stay short.</summary>
    public static async Task<int?> UserIdAsync(CoreDbContext db, Guid? userUuid, CancellationToken cancellationToken) =>
        userUuid is { } uuid ? await db.Users.Where(u => u.Uuid == uuid).Select(u => (int?)u.Id).SingleOrDefaultAsync(cancellationToken) : null;

    /// <summary>The uuids of the users named as creators and changers, in one query.</summary>
    public static async Task<IReadOnlyDictionary<int, Guid>> UserUuidsAsync(CoreDbContext db, IEnumerable<Person> persons, CancellationToken cancellationToken)
    {
        var ids = persons
            .SelectMany(p => p.Names.Cast<AuditedData>().Append(p))
            .SelectMany(d => new[] { d.CreatorId, d.ChangedById })
            .OfType<int>()
            .Distinct()
            .ToList();
        return ids.Count == 0
            ? new Dictionary<int, Guid>()
            : await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Uuid, cancellationToken);
    }

    public static PersonRecord ToRecord(Person person, IReadOnlyDictionary<int, Guid> users) => new(
        person.Uuid,
        person.Gender,
        person.Birthdate,
        person.BirthdateEstimated,
        person.Dead,
        person.DeathDate,
        person.Voided,
        person.Names.OrderByDescending(n => n.Preferred && !n.Voided).ThenBy(n => n.Voided).ThenBy(n => n.Id).Select(n => ToRecord(n, users)).ToList(),
        person.Addresses.OrderByDescending(a => a.Preferred && !a.Voided).ThenBy(a => a.Voided).ThenBy(a => a.Id)
            .Select(a => new PersonAddressRecord(a.Uuid, a.Preferred, a.Address1, a.Address2, a.CityVillage, a.StateProvince, a.PostalCode, a.Country, a.Voided))
            .ToList(),
        person.Patient is not null,
        person.Version,
        Audit(person, users));

    public static PersonNameRecord ToRecord(PersonName name, IReadOnlyDictionary<int, Guid> users) => new(
        name.Uuid,
        name.Preferred,
        name.Prefix,
        name.GivenName,
        name.MiddleName,
        name.FamilyNamePrefix,
        name.FamilyName,
        name.FamilyName2,
        name.FamilyNameSuffix,
        name.Degree,
        name.Voided,
        name.VoidReason,
        Audit(name, users));

    public static PatientRecord ToRecord(Patient patient, IReadOnlyDictionary<int, Guid> users) => new(
        ToRecord(patient.Person, users) with { IsPatient = true },
        patient.Identifiers.OrderByDescending(i => i.Preferred && !i.Voided).ThenBy(i => i.Voided).ThenBy(i => i.Id)
            .Select(i => new PatientIdentifierRecord(i.Uuid, i.Identifier, ToRecord(i.IdentifierType), i.Preferred, i.Voided))
            .ToList(),
        patient.Voided);

    public static IdentifierTypeRecord ToRecord(PatientIdentifierType type) => new(type.Uuid, type.Name, type.SystemUri);

    private static AuditInfo Audit(AuditedData data, IReadOnlyDictionary<int, Guid> users) => new(
        data.CreatorId is { } creator && users.TryGetValue(creator, out var creatorUuid) ? creatorUuid : null,
        data.DateCreated,
        data.ChangedById is { } changer && users.TryGetValue(changer, out var changerUuid) ? changerUuid : null,
        data.DateChanged);
}
