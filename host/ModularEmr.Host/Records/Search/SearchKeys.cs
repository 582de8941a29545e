using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using ModularEmr.Host.Data;

namespace ModularEmr.Host.Records.Search;

/// <summary>
/// Keeps the stored search columns true to the names they are derived from: the name keys on every name a
/// context saves, and the sort order of their persons in the same transaction. One place for every writer
/// (records, demo data, the generator, upgrades) rather than a rule each must remember.
/// </summary>
internal static class SearchKeys
{
    /// <summary>Sets the keys of every name about to be saved; returns those names (their persons' order may change).</summary>
    public static List<PersonName> Stamp(ChangeTracker tracker)
    {
        var stamped = new List<PersonName>();
        foreach (var entry in tracker.Entries<PersonName>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                Apply(entry.Entity);
                stamped.Add(entry.Entity);
            }
        }

        return stamped;
    }

    /// <summary>A voided name keeps no keys, so the indexes hold live names only.</summary>
    public static void Apply(PersonName name)
    {
        var live = !name.Voided;
        name.GivenKey = live ? NameKey.Of(name.GivenName) : null;
        name.MiddleKey = live ? NameKey.Of(name.MiddleName) : null;
        name.FamilyKey = live ? NameKey.Of(name.FamilyName) : null;
        name.Family2Key = live ? NameKey.Of(name.FamilyName2) : null;
    }

    /// <summary>The sort columns of a person whose names are all at hand (a new person), as <see cref="SortAsync"/> computes them.</summary>
    public static void Sort(Person person)
    {
        var preferred = person.Names.Where(n => n.Preferred && !n.Voided).OrderBy(n => n.Id).FirstOrDefault();
        person.SortFamily = preferred?.FamilyKey ?? string.Empty;
        person.SortGiven = preferred?.GivenKey ?? string.Empty;
        foreach (var name in person.Names)
        {
            name.PersonSortFamily = person.SortFamily;
            name.PersonSortGiven = person.SortGiven;
        }
    }

    /// <summary>
    /// Recomputes the sort columns of the persons of <paramref name="names"/> from what is now stored, and
    /// their copies on every name of those persons, in SQL: a name added without its person's other names
    /// loaded (and the preferred mark moved by an update statement) is only known to the database.
    /// </summary>
    public static async Task SortAsync(CoreDbContext db, IEnumerable<PersonName> names, CancellationToken cancellationToken)
    {
        var ids = names.Select(n => n.PersonId).Distinct().ToList();
        foreach (var chunk in ids.Chunk(5000))
        {
            await db.Persons.Where(p => chunk.Contains(p.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(p => p.SortFamily, p => p.Names.Where(n => n.Preferred && !n.Voided).OrderBy(n => n.Id).Select(n => n.FamilyKey).FirstOrDefault() ?? string.Empty)
                .SetProperty(p => p.SortGiven, p => p.Names.Where(n => n.Preferred && !n.Voided).OrderBy(n => n.Id).Select(n => n.GivenKey).FirstOrDefault() ?? string.Empty),
                cancellationToken);
            await db.PersonNames.Where(n => chunk.Contains(n.PersonId)).ExecuteUpdateAsync(set => set
                .SetProperty(n => n.PersonSortFamily, n => db.Persons.Where(p => p.Id == n.PersonId).Select(p => p.SortFamily).First())
                .SetProperty(n => n.PersonSortGiven, n => db.Persons.Where(p => p.Id == n.PersonId).Select(p => p.SortGiven).First()),
                cancellationToken);
        }
    }

    /// <summary>
    /// Fills the keys of names stored before they existed (an upgraded database), in batches. The check is
    /// answered from the family-key index (live names without keys), so a start on an up-to-date database
    /// costs one index probe.
    /// </summary>
    public static async Task<int> BackfillAsync(CoreDbContext db, CancellationToken cancellationToken)
    {
        if (!await Unkeyed(db).AnyAsync(cancellationToken))
        {
            return 0;
        }

        var done = 0;
        var last = 0;
        while (true)
        {
            var batch = await Unkeyed(db).Where(n => n.Id > last).OrderBy(n => n.Id).Take(5000).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return done;
            }

            batch.ForEach(Apply);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            done += batch.Count;
            last = batch[^1].Id;
        }

        static IQueryable<PersonName> Unkeyed(CoreDbContext db) => db.PersonNames.Where(n =>
            n.FamilyKey == null && n.GivenKey == null && !n.Voided && (n.FamilyName != null || n.GivenName != null));
    }
}
