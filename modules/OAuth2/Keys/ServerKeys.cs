using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Modules.OAuth2.Keys;

/// <summary>
/// The server's keys. Tokens only this server reads (access tokens, codes, refresh tokens) are signed
/// with a 256-bit HMAC key (HS256): an RSA-2048 signature cost ~0.8 ms of CPU per token and bought nothing,
/// since no one else verifies them. Identity tokens, which clients verify, are signed with the RSA key
/// (RS256, published in the JWKS; OpenIddict signs them with the first asymmetric key and never
/// publishes a symmetric one). A 512-bit key encrypts the other tokens directly (JWE "dir" +
/// A256CBC-HS512), for the same reason and because wrapping a fresh content key cost a tenth of a token
/// request. The older A256KW and RSA keys still read tokens issued before these changes. Generated on
/// first start into the module's key store (owner-only files in the data folder, or the database when
/// several instances share it, so a token issued by one validates on all) and reused afterwards, so
/// tokens survive a restart.
/// </summary>
public sealed class ServerKeys
{
    private ServerKeys(SymmetricSecurityKey tokenSigning, RsaSecurityKey signing, SymmetricSecurityKey tokenEncryption, SymmetricSecurityKey accessTokens, RsaSecurityKey encryption)
    {
        TokenSigning = tokenSigning;
        Signing = signing;
        TokenEncryption = tokenEncryption;
        AccessTokenEncryption = accessTokens;
        Encryption = encryption;
    }

    /// <summary>Signs the tokens this server alone reads (HS256).</summary>
    public SymmetricSecurityKey TokenSigning { get; }

    /// <summary>Signs identity tokens (RS256); published in the JWKS.</summary>
    public RsaSecurityKey Signing { get; }

    /// <summary>
    /// Encrypts the tokens this server alone reads, as the content key itself (JWE "dir" with
    /// A256CBC-HS512: a 512-bit key, a fresh IV per token).
    /// </summary>
    public SymmetricSecurityKey TokenEncryption { get; }

    /// <summary>Decrypts tokens issued while they were wrapped with A256KW.</summary>
    public SymmetricSecurityKey AccessTokenEncryption { get; }

    public RsaSecurityKey Encryption { get; }

    public static ServerKeys LoadOrCreate(IModuleKeyStore store) =>
        new(
            LoadSymmetric(store, "token-signing.key", 32),
            LoadRsa(store, "signing.pem"),
            LoadSymmetric(store, "token-encryption.key", 64),
            LoadSymmetric(store, "access-token-encryption.key", 32),
            LoadRsa(store, "encryption.pem"));

    private static RsaSecurityKey LoadRsa(IModuleKeyStore store, string name)
    {
        var pem = store.GetOrCreate(name, () =>
        {
            using var fresh = RSA.Create(2048);
            return fresh.ExportPkcs8PrivateKeyPem();
        });
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw Unusable(store, name, "does not hold a PEM private key");
        }

        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    private static SymmetricSecurityKey LoadSymmetric(IModuleKeyStore store, string name, int bytes)
    {
        var text = store.GetOrCreate(name, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)));
        byte[] material;
        try
        {
            material = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Unusable(store, name, "is not base64 text");
        }

        if (material.Length != bytes)
        {
            throw Unusable(store, name, $"holds {material.Length} bytes; it must hold {bytes}");
        }

        var key = new SymmetricSecurityKey(material);
        key.KeyId = Base64UrlEncoder.Encode(SHA256.HashData(key.Key))[..16];
        return key;
    }

    /// <summary>
    /// A stored key that holds no usable key stops start-up then, not at the first token, with one line
    /// naming it (the host reports a key it cannot use that way).
    /// </summary>
    private static IOException Unusable(IModuleKeyStore store, string name, string problem) =>
        new($"the key file '{store.Describe(name)}' {problem}. Restore it from a backup, or delete it to make a new key (tokens it protected stop working).");
}
