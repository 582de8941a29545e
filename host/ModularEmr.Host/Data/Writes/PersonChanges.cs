using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace ModularEmr.Host.Data.Writes;

/// <summary>
/// The persons whose records a context's saves changed, so that once the transaction commits the cached
/// copies of exactly those are forgotten. A change whose person cannot be told (an identifier type, a name
/// saved without its person loaded) marks every person as changed: a cache may forget too much, never too little.
/// </summary>
internal sealed class PersonChanges
{
    public HashSet<Guid> Uuids { get; } = [];

    public bool Everyone { get; private set; }

    public void Collect(ChangeTracker tracker)
    {
        foreach (var entry in tracker.Entries())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            switch (entry.Entity)
            {
                case Person person:
                    Uuids.Add(person.Uuid);
                    break;
                case PersonName { Person: { } person }:
                    Uuids.Add(person.Uuid);
                    break;
                case PersonAddress { Person: { } person }:
                    Uuids.Add(person.Uuid);
                    break;
                case Patient { Person: { } person }:
                    Uuids.Add(person.Uuid);
                    break;
                case PatientIdentifier { Patient.Person: { } person }:
                    Uuids.Add(person.Uuid);
                    break;
                case PersonName or PersonAddress or Patient or PatientIdentifier or PatientIdentifierType:
                    Everyone = true;
                    break;
            }
        }
    }

    public void Clear()
    {
        Uuids.Clear();
        Everyone = false;
    }

    public void AddTo(PersonChanges batch)
    {
        batch.Uuids.UnionWith(Uuids);
        batch.Everyone |= Everyone;
    }
}
