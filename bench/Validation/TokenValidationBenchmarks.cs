using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ModularEmr.Host.Hosting;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Bench.Validation;

/// <summary>
/// What a module pays to check a bearer token: <see cref="IOAuth2Service.ValidateTokenAsync"/> on the real
/// host (demo data, real modules, SQLite in a temp folder) for a valid token already seen, a revoked token
/// and a tampered token, against the baseline: Microsoft.IdentityModel validating the same token with the
/// same keys (decryption, signature, issuer, lifetime) and nothing else.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private readonly JsonWebTokenHandler _handler = new();
    private string _folder = null!;
    private WebApplication _host = null!;
    private AsyncServiceScope _scope;
    private IOAuth2Service _oauth2 = null!;
    private TokenValidationParameters _parameters = null!;
    private string _valid = null!;
    private string _revoked = null!;
    private string _tampered = null!;

    [GlobalSetup]
    public async Task StartHostAsync()
    {
        _folder = Directory.CreateTempSubdirectory("modularemr-bench-").FullName;
        _host = await EmrHost.BuildAsync(
            ["--data", Path.Combine(_folder, "data"), "--modules", Repository.ModulesFile, "--demo", "--urls", "http://127.0.0.1:0", "--environment", "Production", "--Emr:PublicOrigin=http://127.0.0.1", "--Logging:LogLevel:Default=Warning"],
            HostPurpose.Serve,
            new HostCustomization());
        await _host.StartAsync();
        var address = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        _valid = await IssueAsync(http);
        _revoked = await IssueAsync(http);
        using (var revoke = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/revoke") { Content = new FormUrlEncodedContent([new("token", _revoked)]) })
        {
            revoke.Headers.Authorization = Basic;
            (await http.SendAsync(revoke)).EnsureSuccessStatusCode();
        }

        // One character of the encrypted payload changed: the authentication tag no longer matches.
        var middle = _valid.Length / 2;
        _tampered = string.Concat(_valid.AsSpan(0, middle), _valid[middle] == 'A' ? "B" : "A", _valid.AsSpan(middle + 1));

        var issuer = (string)JsonNode.Parse(await http.GetStringAsync("/.well-known/openid-configuration"))!["issuer"]!;
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateAudience = false,
            IssuerSigningKeys = Keys.Signing(Path.Combine(_folder, "data")),
            TokenDecryptionKey = Keys.TokenEncryption(Path.Combine(_folder, "data")),
        };
        if (!(await _handler.ValidateTokenAsync(_valid, _parameters)).IsValid)
        {
            throw new InvalidOperationException("The bare validation does not accept the host's token; the baseline would measure a refusal.");
        }

        _scope = _host.Services.CreateAsyncScope();
        _oauth2 = _scope.ServiceProvider.GetRequiredService<IOAuth2Service>();
        Expect((await _oauth2.ValidateTokenAsync(_valid)).IsValid, "the valid token is refused");
        Expect(!(await _oauth2.ValidateTokenAsync(_revoked)).IsValid, "the revoked token is accepted");
        Expect(!(await _oauth2.ValidateTokenAsync(_tampered)).IsValid, "the tampered token is accepted");
    }

    [GlobalCleanup]
    public async Task StopHostAsync()
    {
        await _scope.DisposeAsync();
        await _host.StopAsync();
        await _host.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "bare JWT validation (same keys)")]
    public async Task<bool> BareJwtValidation() => (await _handler.ValidateTokenAsync(_valid, _parameters)).IsValid;

    [Benchmark(Description = "ValidateTokenAsync: valid, seen before")]
    public async Task<bool> ValidSeenBefore() => (await _oauth2.ValidateTokenAsync(_valid)).IsValid;

    [Benchmark(Description = "ValidateTokenAsync: revoked")]
    public async Task<bool> Revoked() => (await _oauth2.ValidateTokenAsync(_revoked)).IsValid;

    [Benchmark(Description = "ValidateTokenAsync: tampered")]
    public async Task<bool> Tampered() => (await _oauth2.ValidateTokenAsync(_tampered)).IsValid;

    private static AuthenticationHeaderValue Basic => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("xyz-emr:xyz-emr-secret")));

    private static async Task<string> IssueAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "system/Patient.rs")]),
        };
        request.Headers.Authorization = Basic;
        var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!;
    }

    private static void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Benchmark set-up: {failure}.");
        }
    }
}

/// <summary>The host's OAuth2 keys as the OAuth2 module writes them in the data folder.</summary>
internal static class Keys
{
    /// <summary>The HMAC key that signs access tokens and the RSA key that signs identity tokens.</summary>
    public static SecurityKey[] Signing(string data)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Path.Combine(data, "keys", "oauth2", "signing.pem")));
        return [Symmetric(data, "token-signing.key"), new RsaSecurityKey(rsa)];
    }

    /// <summary>The key that encrypts access tokens (JWE "dir").</summary>
    public static SecurityKey TokenEncryption(string data) => Symmetric(data, "token-encryption.key");

    private static SymmetricSecurityKey Symmetric(string data, string file)
    {
        var key = new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(Path.Combine(data, "keys", "oauth2", file))));
        key.KeyId = Base64UrlEncoder.Encode(SHA256.HashData(key.Key))[..16];
        return key;
    }
}

/// <summary>The repository this benchmark runs from (its modules.json).</summary>
internal static class Repository
{
    public static string ModulesFile
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "ModularEmr.sln")))
                {
                    return Path.Combine(folder.FullName, "modules.json");
                }
            }

            throw new InvalidOperationException("Run from inside the ModularEmr repository.");
        }
    }
}
