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
    /// <summary>
    /// Sets the keys of every name about to be saved; returns those names, each marked with whether it can
    /// move its person in the search order, which only the preferred name decides: a name that is preferred,
    /// or was until this save.
    /// </summary>
    public static List<StampedName> Stamp(ChangeTracker tracker)
    {
        var stamped = new List<StampedName>();
        foreach (var entry in tracker.Entries<PersonName>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                Apply(entry.Entity);
                var preferredChanged = entry.State == EntityState.Modified && entry.Property(n => n.Preferred).IsModified;
                stamped.Add(new StampedName(entry.Entity, entry.Entity.Preferred || preferredChanged));
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
    /// Keeps the search order of the persons of <paramref name="names"/> (saved, so with their ids) and its
    /// copy on their names. A person one of whose names can move it is sorted again from what is now stored,
    /// in SQL (a name added without its person's other names loaded, or the preferred mark moved by an update
    /// statement, is only known to the database), and if it moved, every name of the person is given the new
    /// order. Otherwise only the names saved now are: rewriting every name of the person on each added name,
    /// and sorting the person again from all its names, made a write cost as much as the person has names
    /// (16 writers adding names to one person: 60 writes/s instead of 1,600; bench/mixed.sh).
    /// </summary>
    public static async Task SortAsync(CoreDbContext db, IReadOnlyList<StampedName> names, CancellationToken cancellationToken)
    {
        var rewritten = new HashSet<int>();
        foreach (var chunk in names.Where(n => n.MayMovePerson).Select(n => n.Name.PersonId).Distinct().Chunk(5000))
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
            if (moved.Length > 0)
            {
                await CopyOrder(db.PersonNames.Where(n => moved.Contains(n.PersonId)), db, cancellationToken);
                rewritten.UnionWith(moved);
            }
        }

        // The names saved now of every person whose names were not all just given the order.
        var rest = names.Where(n => !rewritten.Contains(n.Name.PersonId)).Select(n => n.Name.Id).ToArray();
        foreach (var chunk in rest.Chunk(5000))
        {
            await CopyOrder(db.PersonNames.Where(n => chunk.Contains(n.Id)), db, cancellationToken);
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
