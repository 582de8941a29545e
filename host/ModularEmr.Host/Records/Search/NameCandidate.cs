namespace ModularEmr.Host.Records.Search;

/// <summary>A person a name criterion matched, with the sort columns its name row carries (read from the key index alone).</summary>
internal sealed class NameCandidate
{
    public required string Family { get; init; }

    public required string Given { get; init; }

    public required int PersonId { get; init; }
}
