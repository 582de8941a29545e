using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace ModularEmr.Modules.OAuth2.Validation;

/// <summary>
/// RFC 7516 §5.2 step 10: with direct encryption (<c>alg: dir</c>) the JWE Encrypted Key part MUST be
/// empty. The token handler ignores that part, so a token with bytes added there would still decrypt:
/// another string for the same token, which no cache, log or revocation list keyed on the string should
/// have to know about. Such a token is refused as malformed.
/// </summary>
internal static class DirectEncryptionShape
{
    public static bool IsBroken(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 5 || parts[1].Length == 0)
        {
            return false;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[0]));
            return header.RootElement.ValueKind == JsonValueKind.Object
                && header.RootElement.TryGetProperty("alg", out var alg)
                && alg.ValueKind == JsonValueKind.String
                && alg.GetString() == "dir";
        }
        catch (Exception exception) when (exception is JsonException or FormatException or ArgumentException)
        {
            // An unreadable header is for the token handler to refuse.
            return false;
        }
    }
}
