using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records;

/// <summary>Persons and names over the core database. Every change is one SaveChanges, so one transaction.</summary>
internal sealed class PersonRecords(CoreDbContext db, TimeProvider clock) : IPersonRecords
{
    /// <summary>Concurrent edits of one person are retried this often on a version conflict before giving up.</summary>
    private const int ConflictRetries = 5;

    public async Task<PersonRecord?> GetAsync(Guid uuid, CancellationToken cancellationToken = default)
    {
        var person = await WithDetails(db.Persons.AsNoTracking()).SingleOrDefaultAsync(p => p.Uuid == uuid, cancellationToken);
        return person is null ? null : RecordMapping.ToRecord(person, await RecordMapping.UserUuidsAsync(db, [person], cancellationToken));
    }

    public async Task<Page<PersonRecord>> SearchAsync(RecordQuery query, CancellationToken cancellationToken = default)
    {
        var matches = RecordSearch.ByName(db.Persons.AsNoTracking(), query);
        var total = await matches.CountAsync(cancellationToken);
        var page = await WithDetails(RecordSearch.OrderByName(matches))
            .Skip(query.StartIndex).Take(query.Limit)
            .ToListAsync(cancellationToken);
        var users = await RecordMapping.UserUuidsAsync(db, page, cancellationToken);
        return new Page<PersonRecord>(page.Select(p => RecordMapping.ToRecord(p, users)).ToList(), total);
    }

    public Task<PersonNameRecord> AddNameAsync(Guid personUuid, PersonNameInput name, Guid? actingUserUuid, CancellationToken cancellationToken = default) =>
        ChangeAsync(personUuid, actingUserUuid, (person, actor, now) =>
        {
            ThrowIfInvalid(name);
            var added = new PersonName { CreatorId = actor, DateCreated = now };
            Apply(added, name);
            if (added.Preferred || person.Names.All(n => n.Voided))
            {
                MakePreferred(person, added);
            }

            person.Names.Add(added);
            return added;
        }, cancellationToken);

    public Task<PersonNameRecord> UpdateNameAsync(Guid personUuid, Guid nameUuid, PersonNameInput name, Guid? actingUserUuid, CancellationToken cancellationToken = default) =>
        ChangeAsync(personUuid, actingUserUuid, (person, actor, now) =>
        {
            var existing = FindName(person, nameUuid);
            ThrowIfInvalid(name);
            var wasPreferred = existing.Preferred;
            Apply(existing, name);
            existing.ChangedById = actor;
            existing.DateChanged = now;
            if (existing.Preferred)
            {
                MakePreferred(person, existing);
            }
            else if (wasPreferred)
            {
                // Unmarking the preferred name passes the mark on: a person always has one preferred name.
                existing.Preferred = person.Names.Count(n => !n.Voided) == 1;
                if (!existing.Preferred)
                {
                    MakePreferred(person, person.Names.First(n => !n.Voided && n != existing));
                }
            }

            return existing;
        }, cancellationToken);

    public async Task VoidNameAsync(Guid personUuid, Guid nameUuid, string reason, Guid? actingUserUuid, CancellationToken cancellationToken = default) =>
        await ChangeAsync(personUuid, actingUserUuid, (person, actor, now) =>
        {
            if (string.IsNullOrWhiteSpace(reason))
            {
                throw new RecordValidationException("A reason is required to void a name.", new Dictionary<string, IReadOnlyList<string>> { ["reason"] = ["reason is required"] });
            }

            var existing = FindName(person, nameUuid);
            if (person.Names.Count(n => !n.Voided) == 1)
            {
                throw new RecordValidationException("A person's only name cannot be voided; add another name first.", new Dictionary<string, IReadOnlyList<string>>());
            }

            existing.Voided = true;
            existing.VoidedById = actor;
            existing.DateVoided = now;
            existing.VoidReason = reason.Trim()[..Math.Min(reason.Trim().Length, 255)];
            if (existing.Preferred)
            {
                existing.Preferred = false;
                MakePreferred(person, person.Names.First(n => !n.Voided));
            }

            return existing;
        }, cancellationToken);

    internal static IQueryable<Person> WithDetails(IQueryable<Person> persons) =>
        persons.Include(p => p.Names).Include(p => p.Addresses).Include(p => p.Patient).AsSplitQuery();

    /// <summary>
    /// Loads the person, applies <paramref name="change"/>, raises its version and saves. A concurrent
    /// change of the same person makes the save fail on the version; the change is then applied again
    /// to the fresh state, so neither edit is lost.
    /// </summary>
    private async Task<PersonNameRecord> ChangeAsync(Guid personUuid, Guid? actingUserUuid, Func<Person, int?, DateTimeOffset, PersonName> change, CancellationToken cancellationToken)
    {
        var actor = actingUserUuid is { } uuid ? await db.Users.Where(u => u.Uuid == uuid).Select(u => (int?)u.Id).SingleOrDefaultAsync(cancellationToken) : null;
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var person = await db.Persons.Include(p => p.Names).SingleOrDefaultAsync(p => p.Uuid == personUuid, cancellationToken);
            if (person is null || person.Voided)
            {
                throw new RecordNotFoundException($"No person with uuid {personUuid}.");
            }

            var now = clock.GetUtcNow();
            var changed = change(person, actor, now);
            person.Version++;
            person.ChangedById = actor;
            person.DateChanged = now;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                var users = await RecordMapping.UserUuidsAsync(db, [person], cancellationToken);
                return RecordMapping.ToRecord(changed, users);
            }
            catch (DbUpdateConcurrencyException) when (attempt < ConflictRetries)
            {
            }
        }
    }

    private static PersonName FindName(Person person, Guid nameUuid) =>
        person.Names.SingleOrDefault(n => n.Uuid == nameUuid && !n.Voided)
        ?? throw new RecordNotFoundException($"Person {person.Uuid} has no name with uuid {nameUuid}.");

    private static void MakePreferred(Person person, PersonName preferred)
    {
        foreach (var other in person.Names)
        {
            other.Preferred = false;
        }

        preferred.Preferred = true;
    }

    private static void ThrowIfInvalid(PersonNameInput name)
    {
        var errors = NameValidation.Check(name);
        if (errors.Count > 0)
        {
            throw NameValidation.Refusal(errors);
        }
    }

    internal static void Apply(PersonName target, PersonNameInput input)
    {
        target.Prefix = NameValidation.Clean(input.Prefix);
        target.GivenName = NameValidation.Clean(input.GivenName);
        target.MiddleName = NameValidation.Clean(input.MiddleName);
        target.FamilyNamePrefix = NameValidation.Clean(input.FamilyNamePrefix);
        target.FamilyName = NameValidation.Clean(input.FamilyName);
        target.FamilyName2 = NameValidation.Clean(input.FamilyName2);
        target.FamilyNameSuffix = NameValidation.Clean(input.FamilyNameSuffix);
        target.Degree = NameValidation.Clean(input.Degree);
        target.Preferred = input.Preferred;
    }
}
