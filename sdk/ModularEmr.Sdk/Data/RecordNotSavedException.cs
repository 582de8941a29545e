namespace ModularEmr.Sdk.Data;

/// <summary>
/// The change was valid but the database could not commit it (an I/O error, a full disk, a constraint only
/// checked at commit). Nothing of it was stored, so the caller may try again: answer 503, not success.
/// </summary>
/// <remarks>Added in sdk 1.2.0.</remarks>
public sealed class RecordNotSavedException(string message, Exception innerException) : Exception(message, innerException);
