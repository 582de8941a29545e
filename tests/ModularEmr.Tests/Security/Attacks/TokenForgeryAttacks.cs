using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Security.Attacks;

/// <summary>
/// Forged and misused tokens presented to the resource servers: unsigned and algorithm-confused tokens,
/// header key injection, tampered claims (re-sealed with the server's own keys read from its data folder,
/// so only the claim decides), other token types used as bearer tokens, tampered JWE parts and tokens in URLs.
/// Each forging attack first shows that the unmodified token, re-sealed the same way, is accepted.
/// </summary>
[Collection(AttackHostGroup.Name)]
public sealed class TokenForgeryAttacks(AttackHost host)
{
    private static readonly string AliceRead = $"/ws/fhir/Patient/{AttackHost.AlicePatient}";

    [Theory]
    [Trait("Source", "RFC 8725 §2.1 and §3.1 (alg none, algorithm confusion); RFC 7515 §4.1.2-4.1.6 (jku, jwk, kid, x5c); OWASP JWT Cheat Sheet")]
    [InlineData("alg none, unencrypted")]
    [InlineData("alg none inside the server's encryption")]
    [InlineData("HS256 keyed with the JWKS public key as PEM")]
    [InlineData("HS256 keyed with the JWKS modulus")]
    [InlineData("kid path traversal to /dev/null with an empty key")]
    [InlineData("kid SQL injection")]
    [InlineData("jku pointing to an attacker key set")]
    [InlineData("jwk header carrying the attacker's key")]
    [InlineData("x5c header carrying the attacker's certificate")]
    [InlineData("the server's kid with another key")]
    public async Task Forged_signature_is_refused(string attack)
    {
        var forger = new Forger(host.DataDirectory);
        var token = await host.AliceTokenAsync("patient/Patient.rs");
        var payload = forger.Open(token);
        Assert.Equal(HttpStatusCode.OK, (await ReadAliceAsync(forger.Seal(payload))).StatusCode);

        var forged = await ForgeAsync(forger, payload, attack);
        var response = await ReadAliceAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Alice", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Source", "RFC 7519 §4.1.1 (iss); RFC 9068 §4 (at+jwt type); DESIGN §7 (a token is valid only while it is recorded as issued)")]
    [InlineData("issued by another issuer")]
    [InlineData("typed as a refresh token")]
    [InlineData("without a token entry")]
    [InlineData("naming a token entry that does not exist")]
    public async Task Token_with_tampered_claims_is_refused_even_when_sealed_with_the_server_keys(string attack)
    {
        var forger = new Forger(host.DataDirectory);
        var token = await host.AliceTokenAsync("patient/Patient.rs");
        var payload = forger.Open(token);
        Assert.Equal(HttpStatusCode.OK, (await ReadAliceAsync(forger.Seal(payload))).StatusCode);
        var type = "at+jwt";
        switch (attack)
        {
            case "issued by another issuer":
                payload["iss"] = "https://evil.example/";
                break;
            case "typed as a refresh token":
                type = "oi_reft+jwt";
                break;
            case "without a token entry":
                payload.Remove("oi_tkn_id");
                break;
            case "naming a token entry that does not exist":
                payload["oi_tkn_id"] = Guid.NewGuid().ToString();
                break;
        }

        var response = await ReadAliceAsync(forger.Seal(payload, type));

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{attack}: {(int)response.StatusCode}");
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Source", "RFC 7519 §4.1.4 (exp); RFC 6750 §3.1 (invalid_token)")]
    public async Task Expired_access_token_is_refused_by_every_resource_server()
    {
        var token = await host.AliceTokenAsync("patient/Patient.rs rest.read");
        Assert.Equal(HttpStatusCode.OK, (await ReadAliceAsync(token)).StatusCode);

        host.Clock.Advance(TimeSpan.FromHours(2));
        try
        {
            var fhir = await ReadAliceAsync(token);
            var rest = await host.SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{AttackHost.AlicePatient}", token);
            var introspected = await host.IsActiveAsync(token);

            Assert.Equal(HttpStatusCode.Unauthorized, fhir.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
            Assert.Contains("error=\"invalid_token\"", fhir.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.False(introspected);
        }
        finally
        {
            host.Clock.Advance(TimeSpan.FromHours(-2));
        }
    }

    [Theory]
    [Trait("Source", "RFC 9068 §4 and RFC 8725 §3.11 (explicit typing: only access tokens are bearer tokens); OpenID Connect Core §2 (an ID token is for the client)")]
    [InlineData("id_token")]
    [InlineData("refresh_token")]
    [InlineData("authorization code")]
    public async Task Other_token_types_are_refused_as_bearer_tokens(string kind)
    {
        string presented;
        if (kind == "authorization code")
        {
            presented = await host.CodeAsync(AttackHost.Confidential, pkce: null, "openid patient/Patient.rs");
        }
        else
        {
            presented = (string)(await host.PasswordTokensAsync("alice", "Alice123", "openid offline_access patient/Patient.rs"))[kind]!;
        }

        var fhir = await ReadAliceAsync(presented);
        var rest = await host.SendAsync(HttpMethod.Get, $"/ws/rest/v1/person/{AttackHost.AlicePatient}", presented);

        Assert.Equal(HttpStatusCode.Unauthorized, fhir.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
        Assert.Contains("error=\"invalid_token\"", fhir.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Source", "RFC 7516 §5.2 (JWE integrity: any change to any part is detected); RFC 8725 §3.4")]
    [InlineData(0, "protected header")]
    [InlineData(1, "encrypted key (must be empty for dir, RFC 7516 §5.2 step 10: a byte added)")]
    [InlineData(2, "initialization vector")]
    [InlineData(3, "ciphertext")]
    [InlineData(4, "authentication tag")]
    public async Task Tampered_jwe_part_is_refused(int part, string name)
    {
        var token = await host.AliceTokenAsync("patient/Patient.rs");
        var parts = token.Split('.');
        Assert.Equal(5, parts.Length);
        parts[part] = parts[part].Length == 0 ? "AA" : FlipOneByte(parts[part]);

        var response = await ReadAliceAsync(string.Join('.', parts));

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode}");
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await ReadAliceAsync(token)).StatusCode);
    }

    [Theory]
    [Trait("Source", "RFC 6750 §2.3 and §5.3 (tokens in URLs leak); RFC 9700 §4.3.2; RFC 6750 §3 (challenge); RFC 9110 §5.5")]
    [InlineData("/ws/fhir/Patient/" + AttackHost.AlicePatient)]
    [InlineData("/ws/rest/v1/person/" + AttackHost.AlicePatient)]
    public async Task Access_token_in_the_query_string_is_refused_as_invalid_request(string path)
    {
        var token = await host.AliceTokenAsync("patient/Patient.rs rest.read");

        var response = await host.RawAsync("GET", $"{path}?access_token={Uri.EscapeDataString(token)}");

        Assert.Equal(400, response.Status);
        var challenge = response.Header("WWW-Authenticate") ?? string.Empty;
        Assert.StartsWith("Bearer ", challenge, StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_request\"", challenge, StringComparison.Ordinal);
        Assert.True(challenge.All(char.IsAscii), challenge);
        Assert.DoesNotContain("Alice", response.Body, StringComparison.Ordinal);
    }

    private static string FlipOneByte(string base64Url)
    {
        var bytes = Base64UrlEncoder.DecodeBytes(base64Url);
        bytes[bytes.Length / 2] ^= 0x01;
        return Base64UrlEncoder.Encode(bytes);
    }

    private Task<HttpResponseMessage> ReadAliceAsync(string token) => host.SendAsync(HttpMethod.Get, AliceRead, token);

    private async Task<string> ForgeAsync(Forger forger, JsonObject payload, string attack)
    {
        var json = payload.ToJsonString();
        using var attacker = RSA.Create(2048);
        var jwks = JsonNode.Parse(await host.Client.GetStringAsync("/.well-known/jwks"))!["keys"]![0]!;
        var modulus = Base64UrlEncoder.DecodeBytes((string)jwks["n"]!);
        var exponent = Base64UrlEncoder.DecodeBytes((string)jwks["e"]!);
        using var published = RSA.Create(new RSAParameters { Modulus = modulus, Exponent = exponent });
        var attackerJwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["kid"] = "attacker",
            ["n"] = Base64UrlEncoder.Encode(attacker.ExportParameters(false).Modulus),
            ["e"] = Base64UrlEncoder.Encode(attacker.ExportParameters(false).Exponent),
        };

        switch (attack)
        {
            case "alg none, unencrypted":
                return Jws.Unsigned(json);
            case "alg none inside the server's encryption":
                return forger.Encrypt(Jws.Unsigned(json));
            case "HS256 keyed with the JWKS public key as PEM":
                return forger.Encrypt(Jws.Hmac(new JsonObject { ["alg"] = "HS256", ["typ"] = "at+jwt", ["kid"] = (string?)jwks["kid"] }, json, Encoding.ASCII.GetBytes(published.ExportSubjectPublicKeyInfoPem())));
            case "HS256 keyed with the JWKS modulus":
                return forger.Encrypt(Jws.Hmac(new JsonObject { ["alg"] = "HS256", ["typ"] = "at+jwt", ["kid"] = (string?)jwks["kid"] }, json, modulus));
            case "kid path traversal to /dev/null with an empty key":
                return forger.Encrypt(Jws.Hmac(new JsonObject { ["alg"] = "HS256", ["typ"] = "at+jwt", ["kid"] = "../../../../../../../../dev/null" }, json, []));
            case "kid SQL injection":
                return forger.Encrypt(Jws.Hmac(new JsonObject { ["alg"] = "HS256", ["typ"] = "at+jwt", ["kid"] = "x' UNION SELECT 'AAAA' --" }, json, Encoding.ASCII.GetBytes("AAAA")));
            case "jku pointing to an attacker key set":
                return forger.Encrypt(Jws.Rsa(new JsonObject { ["alg"] = "RS256", ["typ"] = "at+jwt", ["kid"] = "attacker", ["jku"] = "http://127.0.0.1:9/jwks.json" }, json, attacker));
            case "jwk header carrying the attacker's key":
                return forger.Encrypt(Jws.Rsa(new JsonObject { ["alg"] = "RS256", ["typ"] = "at+jwt", ["jwk"] = attackerJwk }, json, attacker));
            case "x5c header carrying the attacker's certificate":
                var request = new CertificateRequest("CN=ModularEmr", attacker, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                using (var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)))
                {
                    return forger.Encrypt(Jws.Rsa(new JsonObject { ["alg"] = "RS256", ["typ"] = "at+jwt", ["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData)) }, json, attacker));
                }

            case "the server's kid with another key":
                return forger.Encrypt(Jws.Hmac(new JsonObject { ["alg"] = "HS256", ["typ"] = "at+jwt", ["kid"] = forger.SigningKeyId }, json, RandomNumberGenerator.GetBytes(32)));
            default:
                throw new ArgumentOutOfRangeException(nameof(attack), attack, null);
        }
    }

    /// <summary>JWS built by hand, so that every header is exactly what the attack needs.</summary>
    private static class Jws
    {
        public static string Unsigned(string payload) =>
            $"{Encode(new JsonObject { ["alg"] = "none", ["typ"] = "at+jwt" }.ToJsonString())}.{Encode(payload)}.";

        public static string Hmac(JsonObject header, string payload, byte[] key)
        {
            var input = $"{Encode(header.ToJsonString())}.{Encode(payload)}";
            return $"{input}.{Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(input)))}";
        }

        public static string Rsa(JsonObject header, string payload, RSA key)
        {
            var input = $"{Encode(header.ToJsonString())}.{Encode(payload)}";
            return $"{input}.{Base64UrlEncoder.Encode(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))}";
        }

        private static string Encode(string text) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Opens and re-seals tokens with the keys the host keeps in its data folder (keys/oauth2).</summary>
    private sealed class Forger
    {
        private readonly SymmetricSecurityKey _signing;
        private readonly SymmetricSecurityKey _encryption;
        private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

        public Forger(string dataDirectory)
        {
            var folder = Path.Combine(dataDirectory, "keys", "oauth2");
            _signing = Load(Path.Combine(folder, "token-signing.key"));
            _encryption = Load(Path.Combine(folder, "token-encryption.key"));
        }

        public string SigningKeyId => _signing.KeyId;

        public JsonObject Open(string token)
        {
            var inner = _handler.ReadJsonWebToken(_handler.DecryptToken(_handler.ReadJsonWebToken(token), new TokenValidationParameters { TokenDecryptionKey = _encryption }));
            return JsonNode.Parse(Base64UrlEncoder.Decode(inner.EncodedPayload))!.AsObject();
        }

        /// <summary>Signed and encrypted as the server seals access tokens: HS256 inside JWE dir + A256CBC-HS512.</summary>
        public string Seal(JsonObject payload, string type = "at+jwt") =>
            Encrypt(Jws.Hmac(new JsonObject { ["alg"] = "HS256", ["kid"] = _signing.KeyId, ["typ"] = type }, payload.ToJsonString(), _signing.Key), type);

        public string Encrypt(string innerJws, string type = "at+jwt") =>
            _handler.EncryptToken(
                innerJws,
                new EncryptingCredentials(_encryption, JwtConstants.DirectKeyUseAlg, SecurityAlgorithms.Aes256CbcHmacSha512),
                new Dictionary<string, object> { ["typ"] = type, ["cty"] = "JWT" });

        private static SymmetricSecurityKey Load(string file)
        {
            var key = new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(file)));
            key.KeyId = Base64UrlEncoder.Encode(SHA256.HashData(key.Key))[..16];
            return key;
        }
    }
}
