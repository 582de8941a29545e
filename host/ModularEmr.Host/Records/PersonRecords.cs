using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Host.Data.Writes;
using ModularEmr.Host.Records.Search;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records;

/// <summary>Persons and names over the core database. Every change is one unit of the record writer, so one transaction.</summary>
internal sealed class PersonRecords(CoreDbContext db, IRecordWriter writer, TimeProvider clock) : IPersonRecords
{
    /// <summary>A change that loses a race on the person's version is retried this often before it is refused.</summary>
    private const int ConflictRetries = 5;

    public async Task<PersonRecord?> GetAsync(Guid uuid, CancellationToken cancellationToken = default)
    {
        var person = await WithDetails(db.Persons.AsNoTracking()).SingleOrDefaultAsync(p => p.Uuid == uuid, cancellationToken);
        return person is null ? null : RecordMapping.ToRecord(person, await RecordMapping.UserUuidsAsync(db, [person], cancellationToken));
    }

    public async Task<Page<PersonRecord>> SearchAsync(RecordQuery query, CancellationToken cancellationToken = default)
    {
        var matches = RecordSearch.ByWords(db, SearchQuery.Of(db.Persons.AsNoTracking().Where(p => query.IncludeVoided || !p.Voided)), query.Text);
        var total = query.CountTotal ? TotalMode.Accurate : TotalMode.None;
        var page = await SearchPage.ReadAsync(db.Persons.AsNoTracking(), matches, query.StartIndex, query.Limit, null, null, total, null, cancellationToken);
        var ids = page.Ids;
        var found = (await WithDetails(db.Persons.AsNoTracking()).Where(p => ids.Contains(p.Id)).ToListAsync(cancellationToken)).ToDictionary(p => p.Id);
        var users = await RecordMapping.UserUuidsAsync(db, found.Values, cancellationToken);
        return page.To<PersonRecord>(ids.Where(found.ContainsKey).Select(id => RecordMapping.ToRecord(found[id], users)).ToList());
    }

    public async Task<PersonNameRecord> AddNameAsync(Guid personUuid, PersonNameInput name, Guid? actingUserUuid, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(name);
        var actor = await ActorAsync(actingUserUuid, cancellationToken);
        var added = await writer.WriteAsync(
            (db, token) => RetryOnConflictAsync(db, async () =>
            {
                // The person without its names: a person who gathered thousands of names costs no more to
                // add one to than a new one.
                var person = await LivePersonAsync(db.Persons, personUuid, token);
                var now = clock.GetUtcNow();
                var added = new PersonName { CreatorId = actor?.Id, DateCreated = now };
                Apply(added, name);
                if (added.Preferred)
                {
                    await db.PersonNames.Where(n => n.PersonId == person.Id && n.Preferred)
                        .ExecuteUpdateAsync(names => names.SetProperty(n => n.Preferred, false), token);
                }
                else
                {
                    // A person always has one preferred name: the first name is it.
                    added.Preferred = !await db.PersonNames.AnyAsync(n => n.PersonId == person.Id && !n.Voided, token);
                }

                person.Names.Add(added);
                Touch(person, actor?.Id, now);
                await db.SaveChangesAsync(token);
                return added;
            }),
            cancellationToken);
        return RecordMapping.ToRecord(added, Users(actor));
    }

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
                throw new RecordValidationException(RecordText.Format("VoidReasonRequired"), new Dictionary<string, IReadOnlyList<string>> { ["reason"] = [RecordText.Format("FieldRequired", "reason")] });
            }

            var existing = FindName(person, nameUuid);
            if (person.Names.Count(n => !n.Voided) == 1)
            {
                throw new RecordValidationException(RecordText.Format("OnlyNameCannotBeVoided"), new Dictionary<string, IReadOnlyList<string>>());
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
    /// Loads the person with its names, applies <paramref name="change"/>, raises its version and saves, as
    /// one unit of the record writer.
    /// </summary>
    private async Task<PersonNameRecord> ChangeAsync(Guid personUuid, Guid? actingUserUuid, Func<Person, int?, DateTimeOffset, PersonName> change, CancellationToken cancellationToken)
    {
        var actor = await ActorAsync(actingUserUuid, cancellationToken);
        var changed = await writer.WriteAsync(
            (db, token) => RetryOnConflictAsync(db, async () =>
            {
                var person = await LivePersonAsync(db.Persons.Include(p => p.Names), personUuid, token);
                var now = clock.GetUtcNow();
                var changed = change(person, actor?.Id, now);
                Touch(person, actor?.Id, now);
                await db.SaveChangesAsync(token);
                return changed;
            }),
            cancellationToken);
        return RecordMapping.ToRecord(changed, await RecordMapping.UserUuidsAsync(db, [changed.Person], CancellationToken.None));
    }

    /// <summary>
    /// Runs a change again on the fresh state when it lost a race on the person's version: a change that is
    /// applied to whatever the person is now (a name added, edited, voided) is correct to retry, and neither
    /// edit is lost. In the embedded database's writer, changes run one at a time and never race; a
    /// database shared by several hosts can.
    /// </summary>
    private static async Task<T> RetryOnConflictAsync<T>(CoreDbContext db, Func<Task<T>> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await change();
            }
            catch (DbUpdateConcurrencyException) when (attempt < ConflictRetries)
            {
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException)
            {
                throw new RecordVersionConflictException(RecordText.Format("PersonKeptChanging"), 0);
            }
        }
    }

    private static async Task<Person> LivePersonAsync(IQueryable<Person> persons, Guid personUuid, CancellationToken cancellationToken) =>
        await persons.SingleOrDefaultAsync(p => p.Uuid == personUuid, cancellationToken) is { Voided: false } person
            ? person
            : throw new RecordNotFoundException(RecordText.Format("PersonNotFound", personUuid));

    private static void Touch(Person person, int? actor, DateTimeOffset now)
    {
        person.Version++;
        person.ChangedById = actor;
        person.DateChanged = now;
    }

    /// <summary>The acting user's row id and uuid, read before the write so the writer's units stay short.</summary>
    private async Task<(int Id, Guid Uuid)?> ActorAsync(Guid? actingUserUuid, CancellationToken cancellationToken) =>
        await RecordMapping.UserIdAsync(db, actingUserUuid, cancellationToken) is { } id ? (id, actingUserUuid!.Value) : null;

    private static Dictionary<int, Guid> Users((int Id, Guid Uuid)? actor) =>
        actor is { } known ? new() { [known.Id] = known.Uuid } : [];

    private static PersonName FindName(Person person, Guid nameUuid) =>
        person.Names.SingleOrDefault(n => n.Uuid == nameUuid && !n.Voided)
        ?? throw new RecordNotFoundException(RecordText.Format("NameNotFound", person.Uuid, nameUuid));

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
