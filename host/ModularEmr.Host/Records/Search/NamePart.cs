namespace ModularEmr.Host.Records.Search;

/// <summary>Which parts of a name a string criterion looks at.</summary>
internal enum NamePart
{
    /// <summary>Given, middle, family and second family name (FHIR <c>name</c>).</summary>
    Any,

    /// <summary>Family and second family name (FHIR <c>family</c>).</summary>
    Family,

    /// <summary>Given and middle name (FHIR <c>given</c>).</summary>
    Given,
}
