using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Host.Records.Search;

namespace ModularEmr.Host.Demo;

/// <summary>
/// Synthetic patients for trying the server at a hospital's scale (<c>demo generate --patients N</c>):
/// names from several cultures (accents included), birthdates over a century, an OpenMRS ID each
/// (<c>S000000001</c> onwards, continuing after an earlier run), a national ID for most, a second name for
/// some, a few voided. Written through the same entities and save path as real records, so the search keys
/// and sort order are the ones real data gets (the same entities, EF Core's mapping of them, the same key
/// functions), written by prepared statements ten thousand patients per transaction, as SaveChanges writing
/// row by row would take ten minutes for a million. Works on SQLite and PostgreSQL.
/// </summary>
internal sealed class PatientGenerator(IServiceScopeFactory scopes, EmrDatabaseProvider database, TimeProvider clock)
{
    public const string IdentifierPrefix = "S";

    private const int BatchSize = 10_000;

    private static readonly string[][] Given =
    [
        ["James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda", "William", "Elizabeth", "Thomas", "Sarah"],
        ["José", "María", "Lucía", "Andrés", "Sofía", "Alejandro", "Inés", "Martín", "Valentina", "Joaquín", "Camila", "Ramón"],
        ["Hélène", "François", "Élodie", "Jérôme", "Amélie", "Noël", "Céline", "Benoît", "Zoé", "Loïc", "Maëlle", "Gaël"],
        ["Wanjiru", "Kamau", "Achieng", "Otieno", "Amani", "Baraka", "Neema", "Juma", "Zawadi", "Mwangi", "Nyambura", "Kipchoge"],
        ["Anh", "Minh", "Thảo", "Dũng", "Hương", "Quân", "Lan", "Tuấn", "Ngọc", "Phúc", "Hà", "Khoa"],
        ["Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Diya", "Arjun", "Kavya", "Ishaan", "Meera", "Rahul", "Saanvi"],
        ["Mohammed", "Fatima", "Ahmed", "Aisha", "Omar", "Layla", "Yusuf", "Mariam", "Khalid", "Noor", "Hassan", "Zainab"],
        ["Jürgen", "Käthe", "Björn", "Sören", "Jörg", "Anneliese", "Dörte", "Günther", "Lukas", "Mia", "Jonas", "Lea"],
    ];

    private static readonly string[][] Family =
    [
        ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Anderson", "Thomas", "Moore"],
        ["García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Núñez", "Muñoz", "Peña"],
        ["Lefèvre", "Bérénger", "Dubois", "Moreau", "Lefebvre", "Girard", "Rousseau", "Fournier", "Mercier", "Benoît", "Chevalier", "Lambert"],
        ["Mwangi", "Otieno", "Kamau", "Wanjiku", "Odhiambo", "Njoroge", "Mutua", "Kiprono", "Achieng", "Waweru", "Kariuki", "Chebet"],
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"],
        ["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Das", "Joshi", "Mehta", "Rao"],
        ["Al-Sayed", "Haddad", "Khalil", "Nasser", "Mansour", "Saleh", "Hamdan", "Farouk", "Aziz", "Karim", "Rahman", "Qureshi"],
        ["Müller", "Schröder", "Schäfer", "Köhler", "Groß", "Weiß", "Krüger", "Böhm", "Hoffmann", "Wagner", "Becker", "Fischer"],
    ];

    /// <summary>Adds <paramref name="count"/> patients; returns the first and last OpenMRS ID given.</summary>
    public async Task<(string First, string Last)> GenerateAsync(int count, int seed, Action<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var random = new Random(seed);
        int openMrsId, nationalId, next;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CoreDbContext>();
            openMrsId = await db.PatientIdentifierTypes.Where(t => t.Name == CoreMetadata.OpenMrsIdType).Select(t => t.Id).SingleAsync(cancellationToken);
            nationalId = await db.PatientIdentifierTypes.Where(t => t.Name == CoreMetadata.NationalIdType).Select(t => t.Id).SingleAsync(cancellationToken);
            next = await NextNumberAsync(db, openMrsId, cancellationToken);
        }

        var first = next;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CoreDbContext>();
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            var sqlite = database is SqliteEmrDatabase;
            if (sqlite)
            {
                await using var cache = connection.CreateCommand();
                // Eight indexes take each batch's rows in random places: a cache that holds their upper levels halves the time.
                cache.CommandText = "PRAGMA cache_size=-262144;";
                await cache.ExecuteNonQueryAsync(cancellationToken);
            }

            for (var done = 0; done < count; done += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = Math.Min(BatchSize, count - done);
                var now = clock.GetUtcNow();
                var patients = Enumerable.Range(0, batch).Select(_ => NewPatient(random, next++, openMrsId, nationalId, now)).ToList();
                Insert(db, connection, sqlite, patients);
                progress?.Invoke(done + batch);
            }

            // The planner chooses between the name, birthdate and order indexes from these statistics. On
            // PostgreSQL, VACUUM also marks the new pages all-visible, without which an index-only scan still
            // reads the table for every row autovacuum has not reached (1M patients: `name=Jose`'s candidates
            // took 9.6 ms with 2,029 such reads, 3.6 ms after).
            await db.Database.ExecuteSqlRawAsync(sqlite ? "ANALYZE" : "VACUUM (ANALYZE)", cancellationToken);
        }

        return (Identifier(first), Identifier(next - 1));
    }

    /// <summary>
    /// One batch in one write transaction. Row ids are given here, so that names and identifiers can name their
    /// person without a round trip per row: on SQLite after the greatest id, read under the write lock (BEGIN
    /// IMMEDIATE); on PostgreSQL taken from each table's identity sequence, which other writers share.
    /// </summary>
    private static void Insert(CoreDbContext db, DbConnection connection, bool sqlite, List<Person> patients)
    {
        using var transaction = sqlite ? ((Microsoft.Data.Sqlite.SqliteConnection)connection).BeginTransaction(deferred: false) : connection.BeginTransaction();
        Func<long> Ids(string table, int count)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            if (sqlite)
            {
                command.CommandText = $"SELECT coalesce(max(id), 0) FROM \"{table}\"";
                var last = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
                return () => ++last;
            }

            command.CommandText = $"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, {count})";
            var ids = new Queue<long>(count);
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Enqueue(reader.GetInt64(0));
                }
            }

            return ids.Dequeue;
        }

        var nextPerson = Ids(Table<Person>(db), patients.Count);
        var nextName = Ids(Table<PersonName>(db), patients.Sum(p => p.Names.Count));
        var nextIdentifier = Ids(Table<PatientIdentifier>(db), patients.Sum(p => p.Patient!.Identifiers.Count));
        using var persons = new BulkInserter(db, typeof(Person), transaction);
        using var names = new BulkInserter(db, typeof(PersonName), transaction);
        using var patientRows = new BulkInserter(db, typeof(Patient), transaction);
        using var identifiers = new BulkInserter(db, typeof(PatientIdentifier), transaction);
        foreach (var person in patients)
        {
            person.Id = checked((int)nextPerson());
            foreach (var name in person.Names)
            {
                name.Id = checked((int)nextName());
                name.PersonId = person.Id;
                SearchKeys.Apply(name);
            }

            SearchKeys.Sort(person);
            persons.Insert(person);
            person.Names.ForEach(names.Insert);
            person.Patient!.PersonId = person.Id;
            patientRows.Insert(person.Patient);
            foreach (var identifier in person.Patient.Identifiers)
            {
                identifier.Id = checked((int)nextIdentifier());
                identifier.PatientId = person.Id;
                identifiers.Insert(identifier);
            }
        }

        transaction.Commit();
    }

    private static string Table<T>(CoreDbContext db) => db.Model.FindEntityType(typeof(T))!.GetTableName()!;

    public static string Identifier(int number) => $"{IdentifierPrefix}{number:D9}";

    private static async Task<int> NextNumberAsync(CoreDbContext db, int openMrsId, CancellationToken cancellationToken)
    {
        // Served by the unique (type, identifier) index: the greatest generated identifier so far. string.Compare
        // is translated to SQL's binary comparison, never run in .NET.
#pragma warning disable CA1309
        var last = await db.PatientIdentifiers
            .Where(i => i.IdentifierTypeId == openMrsId && !i.Voided && string.Compare(i.Identifier, IdentifierPrefix + "0") >= 0 && string.Compare(i.Identifier, IdentifierPrefix + "A") < 0)
            .OrderByDescending(i => i.Identifier).Select(i => i.Identifier).FirstOrDefaultAsync(cancellationToken);
#pragma warning restore CA1309
        return last is not null && int.TryParse(last.AsSpan(IdentifierPrefix.Length), out var number) ? number + 1 : 1;
    }

    private static Person NewPatient(Random random, int number, int openMrsId, int nationalId, DateTimeOffset now)
    {
        var culture = random.Next(Given.Length);
        var gender = random.Next(100) switch { < 49 => "M", < 98 => "F", < 99 => "O", _ => "U" };
        var voided = random.Next(100) == 0;
        var person = new Person
        {
            Gender = gender,
            Birthdate = new DateOnly(1925, 1, 1).AddDays(random.Next(365 * 100)),
            BirthdateEstimated = random.Next(20) == 0,
            DateCreated = now,
            Voided = voided,
            DateVoided = voided ? now : null,
            VoidReason = voided ? "Synthetic: a voided record" : null,
        };
        var family = Pick(random, Family[culture]);
        person.Names.Add(new PersonName { GivenName = Pick(random, Given[culture]), FamilyName = family, Preferred = true, DateCreated = now });
        if (random.Next(20) == 0)
        {
            // A name used before (a maiden or former name), kept but not preferred.
            person.Names.Add(new PersonName { GivenName = person.Names[0].GivenName, FamilyName = Pick(random, Family[random.Next(Family.Length)]), DateCreated = now });
        }

        var identifiers = new List<PatientIdentifier>
        {
            new() { Identifier = Identifier(number), IdentifierTypeId = openMrsId, Preferred = true, DateCreated = now },
        };
        if (random.Next(10) < 7)
        {
            identifiers.Add(new PatientIdentifier { Identifier = $"N{number:D9}", IdentifierTypeId = nationalId, DateCreated = now });
        }

        person.Patient = new Patient { DateCreated = now, Voided = voided, DateVoided = person.DateVoided, VoidReason = person.VoidReason, Identifiers = identifiers };
        return person;
    }

    private static string Pick(Random random, string[] names) => names[random.Next(names.Length)];
}
