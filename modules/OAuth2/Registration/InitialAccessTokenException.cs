namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>An initial access token cannot be made as asked (unknown user, not a developer).</summary>
public sealed class InitialAccessTokenException(string message) : Exception(message);
