using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ModularEmr.Modules.OAuth2.Keys;

/// <summary>
/// The server's RSA keys: one signs tokens (RS256, published in the JWKS), one encrypts access tokens
/// (RSA-OAEP, never published). Generated on first start into the data folder, readable by the owner
/// only, and reused afterwards so tokens survive a restart.
/// </summary>
public sealed class ServerKeys
{
    private ServerKeys(RsaSecurityKey signing, RsaSecurityKey encryption)
    {
        Signing = signing;
        Encryption = encryption;
    }

    public RsaSecurityKey Signing { get; }

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

        return new ServerKeys(Load(Path.Combine(folder, "signing.pem")), Load(Path.Combine(folder, "encryption.pem")));
    }

    private static RsaSecurityKey Load(string file)
    {
        var rsa = RSA.Create();
        if (File.Exists(file))
        {
            rsa.ImportFromPem(File.ReadAllText(file));
        }
        else
        {
            rsa.KeySize = 2048;
            var pem = rsa.ExportPkcs8PrivateKeyPem();
            var temporary = file + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
            {
                writer.Write(pem);
            }

            // Two hosts starting at once on one data folder keep whichever key landed first.
            try
            {
                File.Move(temporary, file, overwrite: false);
            }
            catch (IOException) when (File.Exists(file))
            {
                File.Delete(temporary);
                rsa.ImportFromPem(File.ReadAllText(file));
            }
        }

        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }
}
