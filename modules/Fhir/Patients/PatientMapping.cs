using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Localization;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Modules.Fhir.Patients;

/// <summary>The core model's patient as a FHIR R4 Patient, and back (after openmrs-module-fhir2).</summary>
public static class PatientMapping
{
    private static readonly Dictionary<string, AdministrativeGender> Genders = new(StringComparer.Ordinal)
    {
        ["M"] = AdministrativeGender.Male,
        ["F"] = AdministrativeGender.Female,
        ["O"] = AdministrativeGender.Other,
        ["U"] = AdministrativeGender.Unknown,
    };

    public static string VersionId(PatientRecord record) => record.Person.Version.ToString(CultureInfo.InvariantCulture);

    /// <summary>When the record last changed, to the millisecond (HTTP dates and most clients keep no more).</summary>
    public static DateTimeOffset LastUpdated(PatientRecord record)
    {
        var instant = record.Person.Audit.DateChanged ?? record.Person.Audit.DateCreated;
        return new DateTimeOffset(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    public static Patient ToFhir(PatientRecord record)
    {
        var person = record.Person;
        var patient = new Patient
        {
            Id = record.Uuid.ToString(),
            Meta = new Meta { VersionId = VersionId(record), LastUpdated = LastUpdated(record) },
            Active = !record.Voided,
            Gender = Genders.TryGetValue(person.Gender, out var gender) ? gender : AdministrativeGender.Unknown,
        };

        patient.BirthDate = BirthDate(person);

        patient.Deceased = person.Dead
            ? person.DeathDate is { } died ? new FhirDateTime(died) : new FhirBoolean(true)
            : new FhirBoolean(false);

        foreach (var identifier in record.Identifiers.Where(i => !i.Voided))
        {
            patient.Identifier.Add(new Identifier
            {
                ElementId = identifier.Uuid.ToString(),
                Use = identifier.Preferred ? Identifier.IdentifierUse.Official : Identifier.IdentifierUse.Usual,
                Type = new CodeableConcept { Text = identifier.Type.Name },
                System = identifier.Type.SystemUri,
                Value = identifier.Value,
            });
        }

        foreach (var name in person.Names.Where(n => !n.Voided))
        {
            patient.Name.Add(ToHumanName(name));
        }

        foreach (var address in person.Addresses.Where(a => !a.Voided))
        {
            patient.Address.Add(new Address
            {
                ElementId = address.Uuid.ToString(),
                Use = Address.AddressUse.Home,
                Line = new[] { address.Address1, address.Address2 }.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l!).ToList(),
                City = address.CityVillage,
                State = address.StateProvince,
                PostalCode = address.PostalCode,
                Country = address.Country,
            });
        }

        return patient;
    }

    /// <summary>An estimated birth date is only as good as its year: FHIR's partial date says exactly that.</summary>
    private static string? BirthDate(PersonRecord person) => person.Birthdate is not { } birthdate ? null
        : person.BirthdateEstimated ? birthdate.Year.ToString("0000", CultureInfo.InvariantCulture)
        : birthdate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// A stored name as FHIR sends it. FHIR has one <c>family</c> string and a list of suffixes, so the
    /// family prefix, family name and second family name are joined, and suffix and degree listed.
    /// </summary>
    private static HumanName ToHumanName(PersonNameRecord name)
    {
        var human = new HumanName
        {
            ElementId = name.Uuid.ToString(),
            Use = name.Preferred ? HumanName.NameUse.Official : HumanName.NameUse.Usual,
            Text = name.Display,
            Family = string.Join(' ', new[] { name.FamilyNamePrefix, name.FamilyName, name.FamilyName2 }.Where(p => !string.IsNullOrWhiteSpace(p))),
            Given = new[] { name.GivenName, name.MiddleName }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!).ToList(),
            Prefix = string.IsNullOrWhiteSpace(name.Prefix) ? [] : [name.Prefix],
            Suffix = new[] { name.FamilyNameSuffix, name.Degree }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!).ToList(),
        };
        if (string.IsNullOrEmpty(human.Family))
        {
            human.Family = null;
        }

        return human;
    }

    /// <summary>
    /// The stored parts behind what a client sent back unchanged: a read-modify-write of a Patient must
    /// not split a family prefix or second family name into <c>family</c>, nor move a degree into the
    /// suffix. A part the client changed is taken as sent.
    /// </summary>
    private static PersonNameInput KeepStoredParts(PersonNameInput sent, HumanName received, PersonNameRecord stored)
    {
        var rendered = ToHumanName(stored);
        var kept = sent;
        if (received.Family == rendered.Family)
        {
            kept = kept with { FamilyNamePrefix = stored.FamilyNamePrefix, FamilyName = stored.FamilyName, FamilyName2 = stored.FamilyName2 };
        }

        if (received.Given.SequenceEqual(rendered.Given))
        {
            kept = kept with { GivenName = stored.GivenName, MiddleName = stored.MiddleName };
        }

        if (received.Suffix.SequenceEqual(rendered.Suffix))
        {
            kept = kept with { FamilyNameSuffix = stored.FamilyNameSuffix, Degree = stored.Degree };
        }

        return kept;
    }

    /// <summary>Reads what the core model keeps from a Patient; the problems are FHIR-path-qualified.</summary>
    /// <param name="patient">The Patient received.</param>
    /// <param name="today">Today, which a partial birth date's estimate may not pass.</param>
    /// <param name="text">The problems' words, in the reader's language.</param>
    /// <param name="stored">
    /// The person as stored, on update: a birth date sent back as read keeps the stored date, and a name
    /// sent back with its id keeps the stored parts behind what did not change.
    /// </param>
    public static (string Gender, DateOnly? Birthdate, bool Estimated, bool Dead, DateTimeOffset? DeathDate, List<PersonNameChange> Names, List<string> Problems) FromFhir(Patient patient, DateOnly today, IStringLocalizer<FhirText> text, PersonRecord? stored = null)
    {
        var problems = new List<string>();
        var gender = patient.Gender switch
        {
            AdministrativeGender.Male => "M",
            AdministrativeGender.Female => "F",
            AdministrativeGender.Other => "O",
            _ => "U",
        };

        DateOnly? birthdate = null;
        var estimated = false;
        if (stored is not null && patient.BirthDate == BirthDate(stored))
        {
            birthdate = stored.Birthdate;
            estimated = stored.BirthdateEstimated;
        }
        else if (!string.IsNullOrEmpty(patient.BirthDate))
        {
            switch (patient.BirthDate.Length)
            {
                case 10 when DateOnly.TryParseExact(patient.BirthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var full):
                    birthdate = full;
                    break;
                case 4 or 7 when DateOnly.TryParseExact(patient.BirthDate.Length == 4 ? patient.BirthDate + "-07-01" : patient.BirthDate + "-15", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var partial):
                    // A partial date is an estimate: its middle stands for it, flagged as estimated; this
                    // year's or month's middle may still be ahead, so it is no later than today.
                    birthdate = partial > today ? today : partial;
                    estimated = true;
                    break;
                default:
                    problems.Add(text["BirthDateInvalid"]);
                    break;
            }
        }

        var dead = false;
        DateTimeOffset? deathDate = null;
        switch (patient.Deceased)
        {
            case FhirBoolean { Value: true }:
                dead = true;
                break;
            case FhirDateTime died when died.TryToDateTimeOffset(out var when):
                dead = true;
                deathDate = when;
                break;
        }

        var received = new List<(PersonNameChange Change, bool Official)>();
        foreach (var (name, index) in patient.Name.Select((n, i) => (n, i)))
        {
            Guid? uuid = null;
            if (name.ElementId is { } id)
            {
                if (Guid.TryParse(id, out var parsed))
                {
                    uuid = parsed;
                }
                else
                {
                    problems.Add(text["NameIdUnknown", index, id]);
                }
            }

            var input = new PersonNameInput
            {
                Prefix = name.Prefix.FirstOrDefault(),
                GivenName = name.Given.FirstOrDefault(),
                MiddleName = name.Given.Skip(1).FirstOrDefault(),
                FamilyName = name.Family,
                FamilyNameSuffix = name.Suffix.FirstOrDefault(),
                Degree = name.Suffix.Skip(1).FirstOrDefault(),
            };
            if (stored?.Names.FirstOrDefault(n => n.Uuid == uuid && !n.Voided) is { } before)
            {
                input = KeepStoredParts(input, name, before);
            }

            received.Add((new PersonNameChange(uuid, input), name.Use == HumanName.NameUse.Official));
        }

        // The preferred name is the first official one, else the first: the same on create and on update,
        // and the one a read shows as official.
        List<PersonNameChange> names = [.. received.OrderBy(r => r.Official ? 0 : 1).Select((r, i) => r.Change with { Name = r.Change.Name with { Preferred = i == 0 } })];
        return (gender, birthdate, estimated, dead, deathDate, names, problems);
    }
}
