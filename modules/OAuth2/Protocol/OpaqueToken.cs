using System.Security.Cryptography;
using System.Text;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// The random values this server hands out and later recognises (client ids and secrets, EHR launch ids,
/// initial and registration access tokens), and the hash under which those that act as bearer values are stored.
/// </summary>
internal static class OpaqueToken
{
    /// <summary><paramref name="bytes"/> random bytes (256 bits by default), base64url: RFC 6750's b64token syntax, unguessable (RFC 6819 §5.1.4.2.2).</summary>
    public static string Create(int bytes = 32) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>SHA-256 of the value's UTF-8, in lower-case hex: what is stored, so a copy of the table grants nothing.</summary>
    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
