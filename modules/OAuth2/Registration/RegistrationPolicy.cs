namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>Who may register a client at <c>/ws/oauth2/register</c> (RFC 7591 §3: the server's choice).</summary>
public enum RegistrationPolicy
{
    /// <summary>Only a request bearing an initial access token an administrator made with <c>clients initial-token</c>. The default.</summary>
    InitialAccessToken,

    /// <summary>
    /// Anyone. A client registered without a token belongs to no developer: only a System Developer sees it
    /// in the portal. A request that does bear a token still needs a valid one and gives the client to its developer.
    /// </summary>
    Open,
}
