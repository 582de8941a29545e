namespace ModularEmr.Sdk.Fhir;

/// <summary>One page of search results.</summary>
/// <param name="Items">At most <see cref="FhirSearch.Count"/> resources, in the search's order.</param>
/// <param name="NextCursor">
/// Where the next page starts, given back as <see cref="FhirSearch.After"/>; <see langword="null"/> on the last page.
/// Opaque to the client: a position in the order rather than an offset keeps deep pages cheap.
/// </param>
/// <param name="Total">How many resources match in all, when the provider counts them.</param>
public sealed record FhirResourcePage(IReadOnlyList<FhirResourceDocument> Items, string? NextCursor = null, int? Total = null);
