using System.Security.Cryptography;
using System.Text;

namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>The random bearer values of registration (initial and registration access tokens), and the hash they are stored under.</summary>
internal static class OpaqueToken
{
    /// <summary>256 random bits, base64url: RFC 6750's b64token syntax, unguessable (RFC 6819 §5.1.4.2.2).</summary>
    public static string Create() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
