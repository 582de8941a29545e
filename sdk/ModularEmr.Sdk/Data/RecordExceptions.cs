namespace ModularEmr.Sdk.Data;

/// <summary>The record to change does not exist or is voided.</summary>
public sealed class RecordNotFoundException(string message) : Exception(message);

/// <summary>The change was refused before anything was written; <see cref="FieldErrors"/> says why.</summary>
public sealed class RecordValidationException(string message, IReadOnlyDictionary<string, IReadOnlyList<string>> fieldErrors)
    : Exception(message)
{
    /// <summary>Messages per field (OpenMRS REST field names: <c>givenName</c>, <c>familyName</c>…).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> FieldErrors { get; } = fieldErrors;
}
