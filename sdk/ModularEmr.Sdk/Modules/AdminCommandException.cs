namespace ModularEmr.Sdk.Modules;

/// <summary>
/// An <see cref="AdminCommand"/> cannot do what it was asked (an unknown user, a value out of range): the host
/// prints the message on standard error, without a stack trace, and exits with code 1. Added in sdk 1.5.0.
/// </summary>
public sealed class AdminCommandException(string message) : Exception(message);
