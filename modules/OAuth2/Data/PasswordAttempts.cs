namespace ModularEmr.Modules.OAuth2.Data;

/// <summary>
/// Password-grant attempts of one source (client and remote address) in the current window, counted in
/// the database when several host instances share it (<see cref="Protocol.PasswordGrantThrottle"/>).
/// </summary>
public sealed class PasswordAttempts
{
    public const string Table = "oauth2_password_attempt";

    /// <summary>The client id and remote address, joined by '|'.</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>The window's start, in Unix seconds.</summary>
    public long WindowStart { get; set; }

    public int Attempts { get; set; }
}
