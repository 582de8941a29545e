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
    /// Recomputes the sort columns of the persons of <paramref name="names"/> from what is now stored, in
    /// SQL: a name added without its person's other names loaded (and the preferred mark moved by an update
    /// statement) is only known to the database. Their copies on the names are rewritten on every name of a
    /// person whose order moved, and otherwise on the names saved now only: rewriting every name of a person
    /// on each added name made a write cost as much as the person has names (a person written to 16 at a
    /// time, with thousands of names, took 60 writes/s instead of 1,600; bench/mixed.sh).
    /// </summary>
    public static async Task SortAsync(CoreDbContext db, IEnumerable<PersonName> names, CancellationToken cancellationToken)
    {
        var saved = names.ToList();
        foreach (var chunk in saved.Select(n => n.PersonId).Distinct().Chunk(5000))
        {
            var before = await Order(db, chunk).ToDictionaryAsync(p => p.Id, cancellationToken);
            await db.Persons.Where(p => chunk.Contains(p.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(p => p.SortFamily, p => p.Names.Where(n => n.Preferred && !n.Voided).OrderBy(n => n.Id).Select(n => n.FamilyKey).FirstOrDefault() ?? string.Empty)
                .SetProperty(p => p.SortGiven, p => p.Names.Where(n => n.Preferred && !n.Voided).OrderBy(n => n.Id).Select(n => n.GivenKey).FirstOrDefault() ?? string.Empty),
                cancellationToken);
            var moved = (await Order(db, chunk).ToListAsync(cancellationToken))
                .Where(p => !before.TryGetValue(p.Id, out var was) || was != p)
                .Select(p => p.Id)
                .ToArray();
            var others = saved.Where(n => chunk.Contains(n.PersonId) && !moved.Contains(n.PersonId)).Select(n => n.Id).ToArray();
            if (moved.Length > 0)
            {
                await CopyOrder(db.PersonNames.Where(n => moved.Contains(n.PersonId)), db, cancellationToken);
            }

            if (others.Length > 0)
            {
                await CopyOrder(db.PersonNames.Where(n => others.Contains(n.Id)), db, cancellationToken);
            }
        }
    }

    /// <summary>The stored order of <paramref name="persons"/>.</summary>
    private static IQueryable<StoredOrder> Order(CoreDbContext db, int[] persons) =>
        db.Persons.Where(p => persons.Contains(p.Id)).Select(p => new StoredOrder(p.Id, p.SortFamily, p.SortGiven));

    /// <summary>Gives <paramref name="names"/> their persons' stored order.</summary>
    private static Task<int> CopyOrder(IQueryable<PersonName> names, CoreDbContext db, CancellationToken cancellationToken) =>
        names.ExecuteUpdateAsync(set => set
            .SetProperty(n => n.PersonSortFamily, n => db.Persons.Where(p => p.Id == n.PersonId).Select(p => p.SortFamily).First())
            .SetProperty(n => n.PersonSortGiven, n => db.Persons.Where(p => p.Id == n.PersonId).Select(p => p.SortGiven).First()),
            cancellationToken);

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
