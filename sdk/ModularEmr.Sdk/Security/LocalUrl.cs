namespace ModularEmr.Sdk.Security;

/// <summary>Addresses a page may send the browser back to (after sign-in, a language switch). Added in sdk 1.6.0.</summary>
public static class LocalUrl
{
    /// <summary>Only a path on this server may be a return URL: never another site (open redirect).</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains('\\', StringComparison.Ordinal)
        // Browsers drop tabs and line breaks from a Location before reading it: "/\t/evil.example" is "//evil.example".
        && !url.Any(char.IsControl);
}
