namespace ModularEmr.Sdk.Modules;

/// <summary>Who sees a <see cref="HomeLink"/>.</summary>
public enum HomeLinkAudience
{
    /// <summary>Every visitor.</summary>
    Everyone,

    /// <summary>Visitors not signed in (a sign-in link).</summary>
    SignedOut,

    /// <summary>Signed-in users.</summary>
    SignedIn,
}
