namespace ModularEmr.Sdk.Data;

/// <summary>How a search counts its matches (FHIR's <c>_total</c>): counting every match costs a scan of them all.</summary>
public enum TotalMode
{
    /// <summary>Count every match: the cost grows with the number of matches.</summary>
    Accurate,

    /// <summary>
    /// Count at most <see cref="Page{T}.CountLimit"/> matches: the total is exact when there are no more,
    /// and unknown (<see cref="Page{T}.TotalKnown"/> false) when there are. A search led by a name criterion
    /// counts that criterion's index entries first: more than the limit, and the total is unknown even
    /// if other criteria leave fewer matches.
    /// </summary>
    Estimate,

    /// <summary>Do not count; <see cref="Page{T}.HasMore"/> still says whether another page follows.</summary>
    None,
}
