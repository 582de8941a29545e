namespace ModularEmr.Sdk.Data;

/// <summary>How a string criterion matches a name part (FHIR string search and its modifiers).</summary>
public enum StringMatch
{
    /// <summary>The part starts with the text, ignoring case and accents (FHIR's default).</summary>
    Prefix,

    /// <summary>The part is exactly the text, case and accents included (FHIR <c>:exact</c>).</summary>
    Exact,

    /// <summary>The part contains the text anywhere, ignoring case and accents (FHIR <c>:contains</c>); no index serves it.</summary>
    Contains,
}
