using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Accounts;
using ModularEmr.Host.Data;
using ModularEmr.Sdk.Accounts;

namespace ModularEmr.Host.Demo;

/// <summary>
/// The demo data of DESIGN §8: three accounts, Alice's patient record and a few dozen synthetic
/// patients. Seeded only in Development or with <c>--demo</c>; every step adds only what is missing.
/// </summary>
internal sealed class DemoData(CoreDbContext db, AccountAdministration accounts, TimeProvider clock)
{
    public static readonly Guid AlicePatientUuid = Guid.Parse("dda12af7-1691-11df-97a5-7038c432aabf");

    /// <summary>The demo accounts and their well-known passwords; a production host refuses to start while one is in use.</summary>
    public static readonly IReadOnlyList<(string Username, string Password)> Accounts =
        [("admin", "Admin123"), ("alice", "Alice123"), ("bob", "Bob12345")];

    /// <summary>The role the OAuth2 module creates; Bob receives it when that module is installed.</summary>
    private const string ClientDeveloperRole = "Client Developer";

    private const int SyntheticPatients = 40;

    private static readonly string[] GivenNames =
        ["Amara", "Brian", "Chen", "Dalia", "Emeka", "Fatima", "Goran", "Hana", "Ivan", "Jasmine", "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Samuel", "Tariq"];

    private static readonly string[] FamilyNames =
        ["Okafor", "Lindqvist", "Nakamura", "Haddad", "Mensah", "Kowalski", "Fernandes", "Osei", "Petrov", "Schmidt", "Abebe", "Moreau", "Singh", "Novak", "Costa"];

    private static readonly string[] Cities = ["Kampala", "Nairobi", "Lima", "Boston", "Kigali", "Manila"];

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var alice = await EnsurePatientAsync(AlicePatientUuid, "Alice", "Smith", "F", new DateOnly(1985, 4, 12), "100000-1", cancellationToken);
        var admin = await EnsurePersonAsync(Guid.Parse("a0b6c7e2-0001-4c1a-9d3e-5f1d2c3b4a01"), "Super", "User", "M", cancellationToken);
        var bob = await EnsurePersonAsync(Guid.Parse("b0b6c7e2-0002-4c1a-9d3e-5f1d2c3b4a02"), "Bob", "Builder", "M", cancellationToken);

        await EnsureUserAsync("admin", "Admin123", [CoreRoles.SystemDeveloper], admin, cancellationToken);
        await EnsureUserAsync("alice", "Alice123", [CoreRoles.Authenticated], alice, cancellationToken);
        var developerRoles = await db.Roles.AnyAsync(r => r.Name == ClientDeveloperRole, cancellationToken)
            ? new[] { CoreRoles.Authenticated, ClientDeveloperRole }
            : [CoreRoles.Authenticated];
        await EnsureUserAsync("bob", "Bob12345", developerRoles, bob, cancellationToken);

        if (await db.Patients.CountAsync(cancellationToken) <= 1)
        {
            await AddSyntheticPatientsAsync(cancellationToken);
        }
    }

    private async Task EnsureUserAsync(string username, string password, string[] roles, int personId, CancellationToken cancellationToken)
    {
        var normalized = UserAccounts.Normalize(username);
        if (!await db.Users.AnyAsync(u => u.NormalizedUsername == normalized, cancellationToken))
        {
            await accounts.CreateUserAsync(username, password, roles, personId, cancellationToken);
        }
        else
        {
            await accounts.GrantRolesAsync(username, roles, cancellationToken);
        }
    }

    private async Task<int> EnsurePersonAsync(Guid uuid, string given, string family, string gender, CancellationToken cancellationToken)
    {
        var existing = await db.Persons.Where(p => p.Uuid == uuid).Select(p => (int?)p.Id).SingleOrDefaultAsync(cancellationToken);
        if (existing is { } id)
        {
            return id;
        }

        var person = NewPerson(uuid, given, family, gender, null);
        db.Persons.Add(person);
        await db.SaveChangesAsync(cancellationToken);
        return person.Id;
    }

    private async Task<int> EnsurePatientAsync(Guid uuid, string given, string family, string gender, DateOnly birthdate, string identifier, CancellationToken cancellationToken)
    {
        var existing = await db.Persons.Where(p => p.Uuid == uuid).Select(p => (int?)p.Id).SingleOrDefaultAsync(cancellationToken);
        if (existing is { } id)
        {
            return id;
        }

        var type = await db.PatientIdentifierTypes.SingleAsync(t => t.Name == CoreMetadata.OpenMrsIdType, cancellationToken);
        var person = NewPerson(uuid, given, family, gender, birthdate);
        person.Addresses.Add(new PersonAddress { Preferred = true, Address1 = "12 Elm Street", CityVillage = "Boston", StateProvince = "MA", PostalCode = "02118", Country = "USA", DateCreated = clock.GetUtcNow() });
        person.Patient = new Patient
        {
            DateCreated = clock.GetUtcNow(),
            Identifiers = [new PatientIdentifier { Identifier = identifier, IdentifierType = type, Preferred = true, DateCreated = clock.GetUtcNow() }],
        };
        db.Persons.Add(person);
        await db.SaveChangesAsync(cancellationToken);
        return person.Id;
    }

    private async Task AddSyntheticPatientsAsync(CancellationToken cancellationToken)
    {
        var openMrsId = await db.PatientIdentifierTypes.SingleAsync(t => t.Name == CoreMetadata.OpenMrsIdType, cancellationToken);
        var nationalId = await db.PatientIdentifierTypes.SingleAsync(t => t.Name == CoreMetadata.NationalIdType, cancellationToken);
        var random = new Random(20261129);
        for (var i = 0; i < SyntheticPatients; i++)
        {
            var given = GivenNames[random.Next(GivenNames.Length)];
            var family = FamilyNames[random.Next(FamilyNames.Length)];
            var person = NewPerson(Guid.NewGuid(), given, family, random.Next(2) == 0 ? "F" : "M", new DateOnly(1940 + random.Next(80), 1 + random.Next(12), 1 + random.Next(28)));
            person.BirthdateEstimated = random.Next(10) == 0;
            person.Addresses.Add(new PersonAddress { Preferred = true, Address1 = $"{1 + random.Next(200)} Market Road", CityVillage = Cities[random.Next(Cities.Length)], DateCreated = clock.GetUtcNow() });
            person.Patient = new Patient
            {
                DateCreated = clock.GetUtcNow(),
                Identifiers =
                [
                    new PatientIdentifier { Identifier = $"1{i + 1:00000}-{(i + 1) % 10}", IdentifierType = openMrsId, Preferred = true, DateCreated = clock.GetUtcNow() },
                    new PatientIdentifier { Identifier = $"NID{random.Next(10_000_000, 99_999_999)}", IdentifierType = nationalId, DateCreated = clock.GetUtcNow() },
                ],
            };
            db.Persons.Add(person);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private Person NewPerson(Guid uuid, string given, string family, string gender, DateOnly? birthdate) => new()
    {
        Uuid = uuid,
        Gender = gender,
        Birthdate = birthdate,
        DateCreated = clock.GetUtcNow(),
        Names = [new PersonName { GivenName = given, FamilyName = family, Preferred = true, DateCreated = clock.GetUtcNow() }],
    };
}
