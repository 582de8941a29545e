using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Host.Data.Writes;
using ModularEmr.Host.Records.Search;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records;

/// <summary>Patients over the core database.</summary>
internal sealed class PatientRecords(CoreDbContext db, IRecordWriter writer, TimeProvider clock, RecentPatients recent) : IPatientRecords
{
    private static readonly string[] Genders = ["M", "F", "O", "U"];

    public async Task<PatientRecord?> GetAsync(Guid uuid, CancellationToken cancellationToken = default)
    {
        var before = await recent.NowAsync(cancellationToken);
        if (recent.Find(uuid, before) is { } known)
        {
            return known;
        }

        var patient = await WithDetails(db.Patients.AsNoTracking()).SingleOrDefaultAsync(p => p.Person.Uuid == uuid, cancellationToken);
        if (patient is null)
        {
            return null;
        }

        var record = RecordMapping.ToRecord(patient, await RecordMapping.UserUuidsAsync(db, [patient.Person], cancellationToken));
        recent.Remember(record, before);
        return record;
    }

    public async Task<Page<PatientRecord>> SearchAsync(RecordQuery query, CancellationToken cancellationToken = default)
    {
        var text = query.Text?.Trim();
        var patients = SearchQuery.Of(db.Persons.AsNoTracking().Where(p => p.Patient != null && (query.IncludeVoided || (!p.Patient.Voided && !p.Voided))));
        var matches = string.IsNullOrEmpty(text) ? patients : await RecordSearch.NamedOrIdentifiedAsync(db, patients, text, cancellationToken);
        var total = query.CountTotal ? TotalMode.Accurate : TotalMode.None;
        return await PageAsync(matches, query.StartIndex, query.Limit, null, null, total, cancellationToken);
    }

    public async Task<Page<PatientRecord>> FindAsync(PatientCriteria criteria, CancellationToken cancellationToken = default)
    {
        var query = SearchQuery.Of(db.Persons.AsNoTracking().Where(p => p.Patient != null && !p.Patient.Voided && !p.Voided));
        if (criteria.Uuids is { } uuids)
        {
            query = query.Where(p => uuids.Contains(p.Uuid));
        }

        if (criteria.IdentifierValue is { } value)
        {
            query = RecordSearch.Identified(db, query, value, criteria.IdentifierSystem);
        }

        if (criteria.Name is { } name)
        {
            query = criteria.NameMatch == StringMatch.Prefix
                ? RecordSearch.ByWords(db, query, name)
                : RecordSearch.Named(db, query, name, NamePart.Any, criteria.NameMatch);
        }

        if (criteria.Family is { } family)
        {
            query = RecordSearch.Named(db, query, family, NamePart.Family, criteria.FamilyMatch);
        }

        if (criteria.Given is { } given)
        {
            query = RecordSearch.Named(db, query, given, NamePart.Given, criteria.GivenMatch);
        }

        if (criteria.Gender is { } gender)
        {
            query = query.Where(p => p.Gender == gender);
        }

        if (criteria.BornOnOrAfter is { } after)
        {
            query = query.Where(p => p.Birthdate >= after);
        }

        if (criteria.BornOnOrBefore is { } before)
        {
            query = query.Where(p => p.Birthdate <= before);
        }

        return await PageAsync(query, criteria.Offset, criteria.Count, criteria.After, criteria.Before, criteria.Total, cancellationToken);
    }

    /// <summary>A page of the patients <paramref name="matches"/> finds, with their details, in the search order.</summary>
    private async Task<Page<PatientRecord>> PageAsync(
        SearchQuery matches, int offset, int count, string? after, string? before, TotalMode total, CancellationToken cancellationToken)
    {
        var byId = new Dictionary<int, Patient>();

        // On PostgreSQL a page read in one sorted statement brings its details in that statement: each
        // statement is a round trip, which costs more than its server time (PERFORMANCE.md). SQLite, in
        // process, reads details a statement per collection, where each would repeat the matching.
        var page = await SearchPage.ReadAsync(
            db.Persons.AsNoTracking(), matches, offset, count, after, before, total, db.Database.IsSqlite() ? null : LoadFirstAsync, cancellationToken);
        var missing = page.Ids.Where(id => !byId.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var patient in await WithDetails(db.Patients.AsNoTracking()).Where(p => missing.Contains(p.PersonId)).ToListAsync(cancellationToken))
            {
                byId[patient.PersonId] = patient;
            }
        }

        var users = await RecordMapping.UserUuidsAsync(db, byId.Values.Select(p => p.Person), cancellationToken);
        return page.To<PatientRecord>(page.Ids.Where(byId.ContainsKey).Select(id => RecordMapping.ToRecord(byId[id], users)).ToList());

        async Task<IReadOnlyList<PageCursor>> LoadFirstAsync(IQueryable<int> ids, CancellationToken token)
        {
            var patients = await WithDetails(db.Patients.AsNoTracking())
                .Where(p => ids.Contains(p.PersonId))
                .OrderBy(p => p.Person.SortFamily).ThenBy(p => p.Person.SortGiven).ThenBy(p => p.PersonId)
                .ToListAsync(token);
            foreach (var patient in patients)
            {
                byId[patient.PersonId] = patient;
            }

            return [.. patients.Select(p => new PageCursor(p.Person.SortFamily, p.Person.SortGiven, p.PersonId))];
        }
    }

    public async Task<PatientRecord> UpdateAsync(Guid uuid, PatientUpdate update, int? expectedVersion, Guid? actingUserUuid, CancellationToken cancellationToken = default)
    {
        var actor = await RecordMapping.UserIdAsync(db, actingUserUuid, cancellationToken);
        await writer.WriteAsync((db, token) => UpdateAsync(db, uuid, update, expectedVersion, actor, token), cancellationToken);

        // Committed: the answer is read to the end even if the caller has gone, never reported as a failure.
        return (await GetAsync(uuid, CancellationToken.None))!;
    }

    /// <summary>The update as one unit of the record writer: the version check, the merge and the save see one state.</summary>
    private async Task<bool> UpdateAsync(CoreDbContext db, Guid uuid, PatientUpdate update, int? expectedVersion, int? actor, CancellationToken cancellationToken)
    {
        var person = await db.Persons.Include(p => p.Names).Include(p => p.Patient)
            .SingleOrDefaultAsync(p => p.Uuid == uuid && p.Patient != null, cancellationToken);
        if (person is null || person.Voided || person.Patient!.Voided)
        {
            throw new RecordNotFoundException(RecordText.Format("PatientNotFound", uuid));
        }

        if (expectedVersion is { } expected && expected != person.Version)
        {
            throw new RecordVersionConflictException(RecordText.Format("PatientVersion", uuid, person.Version, expected), person.Version);
        }

        var errors = CheckDemographics(update.Gender, update.Birthdate, update.Names.Count);
        var current = person.Names.Where(n => !n.Voided).ToDictionary(n => n.Uuid);
        var named = new HashSet<Guid>();
        for (var i = 0; i < update.Names.Count; i++)
        {
            errors.AddRange(NameValidation.Check(update.Names[i].Name, $"names[{i}]."));
            if (update.Names[i].Uuid is { } nameUuid && !current.ContainsKey(nameUuid))
            {
                errors.Add($"names[{i}].uuid", RecordText.Format("NameNotCurrent", nameUuid));
            }
            else if (update.Names[i].Uuid is { } repeated && !named.Add(repeated))
            {
                // One stored name cannot become two: the second would silently overwrite the first.
                errors.Add($"names[{i}].uuid", RecordText.Format("NameRepeated", repeated));
            }
        }

        errors.ThrowIfAny("PatientInvalid");

        var now = clock.GetUtcNow();
        person.Gender = update.Gender;
        person.Birthdate = update.Birthdate;
        person.BirthdateEstimated = update.BirthdateEstimated;
        person.Dead = update.Dead;
        person.DeathDate = update.Dead ? update.DeathDate : null;
        var kept = new HashSet<Guid>();
        for (var i = 0; i < update.Names.Count; i++)
        {
            var change = update.Names[i];
            PersonName target;
            if (change.Uuid is { } nameUuid)
            {
                target = current[nameUuid];
                target.ChangedById = actor;
                target.DateChanged = now;
                kept.Add(nameUuid);
            }
            else
            {
                target = new PersonName { CreatorId = actor, DateCreated = now };
                person.Names.Add(target);
            }

            PersonRecords.Apply(target, change.Name);
            target.Preferred = i == 0;
        }

        foreach (var removed in current.Values.Where(n => !kept.Contains(n.Uuid)))
        {
            removed.Voided = true;
            removed.Preferred = false;
            removed.VoidedById = actor;
            removed.DateVoided = now;
            removed.VoidReason = "Removed by an update of the patient";
        }

        person.Version++;
        person.ChangedById = actor;
        person.DateChanged = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new RecordVersionConflictException(RecordText.Format("PatientChanged", uuid), person.Version);
        }

        return true;
    }

    /// <summary>The rules a patient's demographics obey on create and on update alike.</summary>
    private FieldErrors CheckDemographics(string gender, DateOnly? birthdate, int names)
    {
        var errors = new FieldErrors();
        if (!Genders.Contains(gender))
        {
            errors.Add("gender", RecordText.Format("GenderInvalid"));
        }

        if (birthdate is { } born && born > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
        {
            errors.Add("birthdate", RecordText.Format("BirthdateFuture"));
        }

        if (names == 0)
        {
            errors.Add("names", RecordText.Format("NamesRequired"));
        }

        return errors;
    }

    public async Task<IReadOnlyList<IdentifierTypeRecord>> ListIdentifierTypesAsync(CancellationToken cancellationToken = default) =>
        (await db.PatientIdentifierTypes.AsNoTracking().Where(t => !t.Retired).OrderBy(t => t.Name).ToListAsync(cancellationToken))
            .Select(RecordMapping.ToRecord).ToList();

    public async Task<PatientRecord> CreateAsync(NewPatient patient, Guid? actingUserUuid, CancellationToken cancellationToken = default)
    {
        var actor = await RecordMapping.UserIdAsync(db, actingUserUuid, cancellationToken);
        var created = await writer.WriteAsync((db, token) => CreateAsync(db, patient, actor, token), cancellationToken);
        return (await GetAsync(created, CancellationToken.None))!;
    }

    /// <summary>
    /// The create as one unit of the record writer, so the checks that an identifier and a uuid are free see
    /// every write before it; the unique indexes stand behind them for writers the checks cannot see.
    /// </summary>
    private async Task<Guid> CreateAsync(CoreDbContext db, NewPatient patient, int? actor, CancellationToken cancellationToken)
    {
        var errors = CheckDemographics(patient.Gender, patient.Birthdate, patient.Names.Count);
        for (var i = 0; i < patient.Names.Count; i++)
        {
            errors.AddRange(NameValidation.Check(patient.Names[i], $"names[{i}]."));
        }

        if (patient.Identifiers.Count == 0)
        {
            errors.Add("identifiers", RecordText.Format("IdentifiersRequired"));
        }

        var typeNames = patient.Identifiers.Select(i => i.TypeName).Distinct().ToList();
        var types = await db.PatientIdentifierTypes.Where(t => typeNames.Contains(t.Name) && !t.Retired).ToDictionaryAsync(t => t.Name, cancellationToken);
        var given = new HashSet<(string, string)>();
        for (var i = 0; i < patient.Identifiers.Count; i++)
        {
            var identifier = patient.Identifiers[i];
            if (identifier.Value is { } value && !given.Add((identifier.TypeName, value.Trim())))
            {
                errors.Add($"identifiers[{i}].identifier", RecordText.Format("IdentifierRepeated", value.Trim(), identifier.TypeName));
                continue;
            }

            if (string.IsNullOrWhiteSpace(identifier.Value) || identifier.Value.Trim().Length > 50)
            {
                errors.Add($"identifiers[{i}].identifier", RecordText.Format("IdentifierLength", 50));
            }
            else if (!types.TryGetValue(identifier.TypeName, out var type))
            {
                errors.Add($"identifiers[{i}].identifierType", RecordText.Format("IdentifierTypeUnknown", identifier.TypeName));
            }
            else if (await db.PatientIdentifiers.AnyAsync(x => !x.Voided && x.IdentifierTypeId == type.Id && x.Identifier == identifier.Value.Trim(), cancellationToken))
            {
                errors.Add($"identifiers[{i}].identifier", RecordText.Format("IdentifierInUse", identifier.Value.Trim(), type.Name));
            }
        }

        if (patient.Uuid is { } requested && await db.Persons.AnyAsync(p => p.Uuid == requested, cancellationToken))
        {
            errors.Add("uuid", RecordText.Format("UuidInUse", requested));
        }

        errors.ThrowIfAny("PatientInvalid");
        var now = clock.GetUtcNow();
        var person = new Person
        {
            Uuid = patient.Uuid ?? Guid.NewGuid(),
            Gender = patient.Gender,
            Birthdate = patient.Birthdate,
            BirthdateEstimated = patient.BirthdateEstimated,
            CreatorId = actor,
            DateCreated = now,
        };
        var preferredIndex = Math.Max(0, patient.Names.ToList().FindIndex(n => n.Preferred));
        for (var i = 0; i < patient.Names.Count; i++)
        {
            var name = new PersonName { CreatorId = actor, DateCreated = now };
            PersonRecords.Apply(name, patient.Names[i]);
            name.Preferred = i == preferredIndex;
            person.Names.Add(name);
        }

        var preferredIdentifier = Math.Max(0, patient.Identifiers.ToList().FindIndex(i => i.Preferred));
        person.Patient = new Patient
        {
            CreatorId = actor,
            DateCreated = now,
            Identifiers = patient.Identifiers.Select((identifier, i) => new PatientIdentifier
            {
                Identifier = identifier.Value.Trim(),
                IdentifierType = types[identifier.TypeName],
                Preferred = i == preferredIdentifier,
                CreatorId = actor,
                DateCreated = now,
            }).ToList(),
        };
        db.Persons.Add(person);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException taken) when (UniqueViolation.Is(taken))
        {
            throw new RecordValidationException(
                RecordText.Format("IdentifierTakenMeanwhile"),
                new Dictionary<string, IReadOnlyList<string>> { ["identifiers"] = [RecordText.Format("IdentifierTakenMeanwhileField")] });
        }

        return person.Uuid;
    }

    /// <summary>
    /// Patients with their details: on PostgreSQL in one joined statement (three round trips fewer, one
    /// snapshot; an identifier search at a million patients is mostly round trips), on SQLite a statement per
    /// collection, since SQLite planned the joined one as scans of <c>patient_identifier</c> (100,000
    /// patients: an identifier search took 186 ms instead of 4; bench/scale.sh, 2026-12-07).
    /// </summary>
    private IQueryable<Patient> WithDetails(IQueryable<Patient> patients)
    {
        var details = patients
            .Include(p => p.Person).ThenInclude(p => p.Names)
            .Include(p => p.Person).ThenInclude(p => p.Addresses)
            .Include(p => p.Identifiers).ThenInclude(i => i.IdentifierType);
        return db.Database.IsSqlite() ? details.AsSplitQuery() : details.AsSingleQuery();
    }
}
