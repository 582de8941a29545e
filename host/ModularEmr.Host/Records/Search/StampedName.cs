using ModularEmr.Host.Data;

namespace ModularEmr.Host.Records.Search;

/// <summary>A name about to be saved, and whether it can move its person in the search order (<see cref="SearchKeys.Stamp"/>).</summary>
internal sealed record StampedName(PersonName Name, bool MayMovePerson);
