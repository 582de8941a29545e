using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Smart;

/// <summary>
/// SMART Backend Services: a client registered with an ES384 public key authenticates at the token
/// endpoint with signed JWT assertions (RFC 7523), gets a system token and reads patients; each broken
/// assertion is refused with <c>invalid_client</c>.
/// </summary>
public sealed class BackendServicesTests(SharedHarness shared) : IClassFixture<SharedHarness>, IAsyncLifetime
{
    private const string TokenUrl = "http://localhost/ws/oauth2/token";
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly (string, string) Bob = ("bob", "Bob12345");

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly OAuth2Harness _oauth = shared.OAuth;
    private string _clientId = null!;

    /// <summary>
    /// Each test registers a client of its own, with a key of its own, on the shared host, through dynamic
    /// registration (RFC 7591) as a backend service would, with an initial access token an administrator made.
    /// </summary>
    public async Task InitializeAsync()
    {
        using var response = await _oauth.DynamicRegistrationAsync(await shared.InitialAccessTokenAsync(), new Dictionary<string, object>
        {
            ["client_name"] = "Nightly export",
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["grant_types"] = new[] { "client_credentials" },
            ["scope"] = "system/Patient.rs",
            ["jwks"] = PublicJwks(_key, "key-1"),
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Null(created["client_secret"]);
        Assert.Equal("private_key_jwt", (string?)created["token_endpoint_auth_method"]);
        Assert.Equal("key-1", (string?)created["jwks"]!["keys"]![0]!["kid"]);
        _clientId = (string)created["client_id"]!;
    }

    public Task DisposeAsync()
    {
        _key.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_signed_assertion_gets_a_system_token_that_reads_patients()
    {
        var (status, body) = await TokenAsync(Assertion());

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString() + string.Join('\n', _oauth.Host.Logs.Lines.Where(l => l.Contains("xception", StringComparison.Ordinal)).Take(2)));
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.Equal("system/Patient.rs", (string?)body["scope"]);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws/fhir/Patient?_count=5");
        request.Headers.Authorization = new("Bearer", (string)body["access_token"]!);
        using var read = await _oauth.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.NotEmpty(JsonNode.Parse(await read.Content.ReadAsStringAsync())!["entry"]!.AsArray());
    }

    public static TheoryData<string> BrokenAssertions => new()
    {
        "wrong aud", "expired", "not yet valid", "exp more than five minutes ahead", "no jti", "unknown kid and key",
        "bad signature", "alg none", "HS256 with the public key", "iss is not sub", "iss and sub another client",
    };

    [Theory]
    [MemberData(nameof(BrokenAssertions))]
    public async Task A_broken_assertion_is_refused_as_invalid_client(string broken)
    {
        var now = DateTime.UtcNow;
        var assertion = broken switch
        {
            "wrong aud" => Assertion(audience: "http://localhost/ws/oauth2/introspect"),
            "expired" => Assertion(notBefore: now.AddMinutes(-20), expires: now.AddMinutes(-10)),
            "not yet valid" => Assertion(notBefore: now.AddMinutes(10), expires: now.AddMinutes(14)),
            "exp more than five minutes ahead" => Assertion(expires: now.AddMinutes(30)),
            "no jti" => Assertion(jti: null),
            "unknown kid and key" => Assertion(key: ECDsa.Create(ECCurve.NamedCurves.nistP384), kid: "key-9"),
            "bad signature" => Tamper(Assertion()),
            "alg none" => Unsigned(),
            "HS256 with the public key" => Hs256WithPublicKey(),
            "iss is not sub" => Assertion(issuer: "xyz-emr"),
            "iss and sub another client" => Assertion(issuer: "xyz-emr", subject: "xyz-emr"),
            _ => throw new ArgumentOutOfRangeException(nameof(broken)),
        };

        var (status, body) = await TokenAsync(assertion);

        Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{(int)status} {body.ToJsonString()}");
        Assert.Equal("invalid_client", (string?)body["error"]);
        Assert.False(string.IsNullOrEmpty((string?)body["error_description"]));
        Assert.Null(body["access_token"]);
    }

    [Fact]
    public async Task An_assertion_is_accepted_once_even_when_sent_twice_at_the_same_time()
    {
        var assertion = Assertion();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => TokenAsync(assertion)));

        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal("invalid_client", (string?)a.Body["error"]));
        var (_, again) = await TokenAsync(assertion);
        Assert.Contains("replayed", (string?)again["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_grant_type_is_unsupported_grant_type()
    {
        var (status, body) = await _oauth.TokenAsync(null, ("grant_type", "urn:example:made-up"), ("client_assertion_type", AssertionType), ("client_assertion", Assertion()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unsupported_grant_type", (string?)body["error"]);
    }

    [Theory]
    [InlineData("private key material", """{"keys":[{"kty":"EC","crv":"P-384","kid":"k","x":"AAAA","y":"AAAA","d":"AAAA"}]}""")]
    [InlineData("alg", """{"keys":[{"kty":"EC","crv":"P-384","kid":"k","x":"AAAA","y":"AAAA","alg":"HS256"}]}""")]
    [InlineData("kid", """{"keys":[{"kty":"EC","crv":"P-384","x":"AAAA","y":"AAAA"}]}""")]
    [InlineData("P-384", """{"keys":[{"kty":"EC","crv":"P-256","kid":"k","x":"AAAA","y":"AAAA"}]}""")]
    [InlineData("1 to 10 public keys", """{"keys":[]}""")]
    [InlineData("private key material", """{"keys":[{"kty":"EC","crv":"P-384","kid":"k","x":"AAAA","y":"AAAA","D":"AAAA"}]}""")]
    [InlineData("more than once", """{"keys":[{"kty":"EC","crv":"P-384","kid":"k","x":"AAAA","y":"AAAA","X":"BBBB"}]}""")]
    [InlineData("private key material", """{"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0"}]}""")]
    [InlineData("repeated", """{"keys":[{"kty":"EC","crv":"P-384","kid":"k","x":"AAAA","x":"BBBB","y":"AAAA"}]}""")]
    [InlineData("2048 bits", """{"keys":[{"kty":"RSA","kid":"k","e":"AQAB","n":"AQAB"}]}""")]
    public async Task Registration_refuses_keys_that_are_private_weak_or_unnamed(string why, string jwks)
    {
        using var portal = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", Bob, Registration(JsonNode.Parse(jwks)!));
        using var dynamic = await _oauth.DynamicRegistrationAsync(await shared.InitialAccessTokenAsync(), new Dictionary<string, object>
        {
            ["client_name"] = "Nightly export",
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["grant_types"] = new[] { "client_credentials" },
            ["scope"] = "system/Patient.rs",
            ["jwks"] = JsonNode.Parse(jwks)!,
        });

        foreach (var response in new[] { portal, dynamic })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("invalid_client_metadata", (string?)body["error"]);
            Assert.Contains(why, (string?)body["error_description"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Discovery_advertises_private_key_jwt_with_rs384_and_es384()
    {
        var smart = JsonNode.Parse(await _oauth.Client.GetStringAsync("/ws/fhir/.well-known/smart-configuration"))!;
        var openid = JsonNode.Parse(await _oauth.Client.GetStringAsync("/.well-known/openid-configuration"))!;

        Assert.Contains("private_key_jwt", smart["token_endpoint_auth_methods_supported"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(["RS384", "ES384"], smart["token_endpoint_auth_signing_alg_values_supported"]!.AsArray().Select(m => (string)m!));
        Assert.Contains("private_key_jwt", openid["token_endpoint_auth_methods_supported"]!.AsArray().Select(m => (string)m!));
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync(string assertion) =>
        _oauth.TokenAsync(null,
            ("grant_type", "client_credentials"), ("scope", "system/Patient.rs"),
            ("client_assertion_type", AssertionType), ("client_assertion", assertion));

    private string Assertion(
        string? audience = TokenUrl, DateTime? notBefore = null, DateTime? expires = null, string? jti = "new", ECDsa? key = null, string kid = "key-1",
        string? issuer = null, string? subject = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer ?? _clientId,
            ["sub"] = subject ?? _clientId,
            ["aud"] = audience!,
        };
        if (jti is not null)
        {
            claims["jti"] = Guid.NewGuid().ToString("N");
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            NotBefore = notBefore ?? now.AddSeconds(-5),
            IssuedAt = notBefore ?? now.AddSeconds(-5),
            Expires = expires ?? now.AddMinutes(4),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key ?? _key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha384),
        });
    }

    private static string Tamper(string jwt)
    {
        var parts = jwt.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[^1] ^= 0x01;
        return $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}";
    }

    private string Unsigned()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT","kid":"key-1"}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($$"""{"iss":"{{_clientId}}","sub":"{{_clientId}}","aud":"{{TokenUrl}}","jti":"{{Guid.NewGuid():N}}","exp":{{now + 240}},"iat":{{now}}}""");
        return $"{header}.{payload}.";
    }

    private string Hs256WithPublicKey()
    {
        // The classic key-confusion attack: the public key's bytes used as an HMAC secret.
        var publicBytes = Encoding.UTF8.GetBytes(PublicJwks(_key, "key-1").ToJsonString());
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["iss"] = _clientId, ["sub"] = _clientId, ["aud"] = TokenUrl, ["jti"] = Guid.NewGuid().ToString("N") },
            Expires = now.AddMinutes(4),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(SHA256.HashData(publicBytes)) { KeyId = "key-1" }, SecurityAlgorithms.HmacSha256),
        });
    }

    private static JsonObject PublicJwks(ECDsa key, string kid)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-384",
                ["kid"] = kid,
                ["use"] = "sig",
                ["alg"] = "ES384",
                ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
                ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
            }),
        };
    }

    private static object Registration(JsonNode jwks) => new
    {
        name = "Bob's bulk exporter",
        clientType = "confidential-asymmetric",
        grantTypes = new[] { "client_credentials" },
        scopes = new[] { "system/Patient.rs" },
        jwks,
        acceptTerms = true,
    };
}
