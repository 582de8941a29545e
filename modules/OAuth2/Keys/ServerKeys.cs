using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ModularEmr.Modules.OAuth2.Keys;

/// <summary>
/// The server's keys. Tokens only this server reads (access tokens, codes, refresh tokens) are signed
/// with a 256-bit HMAC key (HS256): an RSA-2048 signature cost ~0.8 ms of CPU per token and bought nothing,
/// since no one else verifies them. Identity tokens, which clients verify, are signed with the RSA key
/// (RS256, published in the JWKS; OpenIddict signs them with the first asymmetric key and never
/// publishes a symmetric one). A 512-bit key encrypts the other tokens directly (JWE "dir" +
/// A256CBC-HS512), for the same reason and because wrapping a fresh content key cost a tenth of a token
/// request. The older A256KW and RSA keys still read tokens issued before these changes. Generated on
/// first start into the data folder, readable by the owner only, and reused afterwards so tokens survive
/// a restart.
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

    public static ServerKeys LoadOrCreate(string dataDirectory)
    {
        var folder = Path.Combine(dataDirectory, "keys", "oauth2");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new ServerKeys(
            LoadSymmetric(Path.Combine(folder, "token-signing.key"), 32),
            LoadRsa(Path.Combine(folder, "signing.pem")),
            LoadSymmetric(Path.Combine(folder, "token-encryption.key"), 64),
            LoadSymmetric(Path.Combine(folder, "access-token-encryption.key"), 32),
            LoadRsa(Path.Combine(folder, "encryption.pem")));
    }

    private static RsaSecurityKey LoadRsa(string file)
    {
        var pem = LoadOrCreate(file, () =>
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
            throw Unusable(file, "does not hold a PEM private key");
        }

        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    private static SymmetricSecurityKey LoadSymmetric(string file, int bytes)
    {
        var text = LoadOrCreate(file, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)));
        byte[] material;
        try
        {
            material = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Unusable(file, "is not base64 text");
        }

        if (material.Length != bytes)
        {
            throw Unusable(file, $"holds {material.Length} bytes; it must hold {bytes}");
        }

        var key = new SymmetricSecurityKey(material);
        key.KeyId = Base64UrlEncoder.Encode(SHA256.HashData(key.Key))[..16];
        return key;
    }

    /// <summary>
    /// A key file that exists but holds no usable key stops start-up then, not at the first token, with one
    /// line naming it (the host reports a file it cannot use that way).
    /// </summary>
    private static IOException Unusable(string file, string problem) =>
        new($"the key file '{file}' {problem}. Restore it from a backup, or delete it to make a new key (tokens it protected stop working).");

    /// <summary>The file's text, written first (owner-only) if it does not exist.</summary>
    private static string LoadOrCreate(string file, Func<string> create)
    {
        if (File.Exists(file))
        {
            return File.ReadAllText(file);
        }

        var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
        {
            writer.Write(create());
        }

        // Two hosts starting at once on one data folder keep whichever key landed first.
        try
        {
            File.Move(temporary, file, overwrite: false);
        }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(temporary);
        }

        return File.ReadAllText(file);
    }
}
