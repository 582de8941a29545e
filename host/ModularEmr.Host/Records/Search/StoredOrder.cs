namespace ModularEmr.Host.Records.Search;

/// <summary>A person's place in the search order, as stored: compared before and after a save to see whether it moved.</summary>
internal sealed record StoredOrder(int Id, string SortFamily, string SortGiven);
