using System.Diagnostics.CodeAnalysis;

namespace ModularEmr.Sdk.Fhir;

/// <summary>The FHIR R4 search parameter types (R4 §3.1.1.4), as the CapabilityStatement names them.</summary>
public enum FhirSearchParameterType
{
    /// <summary>A number.</summary>
    Number,

    /// <summary>A date or date-time, with prefixes.</summary>
    Date,

    /// <summary>A string, matched from its start.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "FHIR's own name for the type.")]
    String,

    /// <summary>A code, with an optional system (<c>system|code</c>).</summary>
    Token,

    /// <summary>A reference to another resource.</summary>
    Reference,

    /// <summary>A quantity.</summary>
    Quantity,

    /// <summary>A URI.</summary>
    Uri,
}
