using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Tests.OAuth2;

/// <summary><see cref="IOAuth2Service.ValidateTokenAsync"/> says which rule a token broke.</summary>
public sealed class TokenValidationTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task A_valid_token_carries_client_user_scopes_patient_and_expiry()
    {
        var token = (string)(await _oauth.PasswordTokenAsync("probe.read launch/patient"))["access_token"]!;

        var result = await _oauth.ValidateAsync(token, OAuth2Harness.Confidential);

        Assert.True(result.IsValid);
        Assert.Equal(OAuth2Harness.Confidential, result.ClientId);
        Assert.Equal("alice", result.Username);
        Assert.NotNull(result.UserUuid);
        Assert.Equal(Guid.Parse("dda12af7-1691-11df-97a5-7038c432aabf"), result.PatientUuid);
        Assert.Equal(["launch/patient", "probe.read"], result.Scopes.Order(StringComparer.Ordinal));
        Assert.InRange(result.ExpiresAt!.Value, _oauth.Clock.GetUtcNow().AddMinutes(59), _oauth.Clock.GetUtcNow().AddMinutes(61));
        Assert.DoesNotContain(token, result.TokenId ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validating_a_valid_token_costs_one_primary_key_lookup_and_none_once_cached()
    {
        await using var oauth = await OAuth2Harness.StartAsync(null, "--Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=Information");
        var token = (string)(await oauth.PasswordTokenAsync())["access_token"]!;
        List<string> Commands(int from) => oauth.Host.Logs.Lines.Skip(from).Where(line => line.Contains("Executed DbCommand", StringComparison.Ordinal)).ToList();

        var first = oauth.Host.Logs.Lines.Count;
        Assert.True((await oauth.ValidateAsync(token)).IsValid);
        var lookup = Assert.Single(Commands(first));
        Assert.Matches("FROM \"?oauth2_token\"? ", lookup); // PostgreSQL's SQL quotes only names that need it
        Assert.Contains(".\"Id\" = @", lookup, StringComparison.Ordinal);

        var second = oauth.Host.Logs.Lines.Count;
        Assert.True((await oauth.ValidateAsync(token)).IsValid);
        Assert.Empty(Commands(second));
    }

    [Fact]
    public async Task A_cached_token_is_refused_at_once_after_revocation_and_after_expiry()
    {
        var tokens = await _oauth.PasswordTokenAsync();
        var access = (string)tokens["access_token"]!;
        Assert.True((await _oauth.ValidateAsync(access)).IsValid);
        Assert.True((await _oauth.ValidateAsync(access)).IsValid);

        await _oauth.PostFormAsync("/ws/oauth2/revoke", (OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret), ("token", access));
        Assert.Equal(TokenValidationFailure.Revoked, (await _oauth.ValidateAsync(access)).Failure);

        var other = (string)(await _oauth.PasswordTokenAsync())["access_token"]!;
        Assert.True((await _oauth.ValidateAsync(other)).IsValid);
        _oauth.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(TokenValidationFailure.Expired, (await _oauth.ValidateAsync(other)).Failure);
    }

    [Fact]
    public async Task A_token_issued_to_another_client_than_the_one_named_is_refused()
    {
        var token = (string)(await _oauth.PasswordTokenAsync())["access_token"]!;

        var result = await _oauth.ValidateAsync(token, OAuth2Harness.Public);

        Assert.Equal(TokenValidationFailure.ClientMismatch, result.Failure);
    }

    [Fact]
    public async Task Tampered_truncated_and_garbage_tokens_are_refused()
    {
        var token = (string)(await _oauth.PasswordTokenAsync())["access_token"]!;
        var parts = token.Split('.');
        var middle = parts[3].ToCharArray();
        middle[10] = middle[10] == 'A' ? 'B' : 'A';
        parts[3] = new string(middle);

        Assert.False((await _oauth.ValidateAsync(string.Join('.', parts))).IsValid);
        Assert.False((await _oauth.ValidateAsync(token[..^12])).IsValid);
        Assert.Equal(TokenValidationFailure.Malformed, (await _oauth.ValidateAsync("not-a-token")).Failure);
        Assert.Equal(TokenValidationFailure.Malformed, (await _oauth.ValidateAsync(string.Empty)).Failure);
    }

    [Fact]
    public async Task An_expired_token_is_refused_as_expired()
    {
        var token = (string)(await _oauth.PasswordTokenAsync())["access_token"]!;

        _oauth.Clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(TokenValidationFailure.Expired, (await _oauth.ValidateAsync(token)).Failure);
    }

    [Fact]
    public async Task Deleting_a_client_kills_its_tokens_on_the_next_request()
    {
        var created = System.Text.Json.Nodes.JsonNode.Parse(await (await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", ("bob", "Bob12345"), new
        {
            name = "Short-lived",
            clientType = "confidential-web",
            grantTypes = new[] { "client_credentials" },
            scopes = new[] { "probe.read" },
            acceptTerms = true,
        })).Content.ReadAsStringAsync())!;
        var clientId = (string)created["client"]!["clientId"]!;
        var (_, tokens) = await _oauth.TokenAsync((clientId, (string)created["clientSecret"]!), ("grant_type", "client_credentials"));
        var token = (string)tokens["access_token"]!;
        Assert.Equal(HttpStatusCode.OK, (await CallProbeAsync(token)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _oauth.ApiAsync(HttpMethod.Delete, $"/ws/oauth2/api/clients/{clientId}", ("bob", "Bob12345"))).StatusCode);

        Assert.False((await _oauth.ValidateAsync(token)).IsValid);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallProbeAsync(token)).StatusCode);
    }

    [Fact]
    public async Task A_deleted_clients_token_is_refused_on_the_next_request_even_when_validations_race_with_the_deletion()
    {
        // Validations hammer the token while the client is deleted. One that reads the token between the
        // deletion's announcement and its commit sees it still valid; that verdict must not outlive the commit.
        for (var round = 0; round < 6; round++)
        {
            var created = System.Text.Json.Nodes.JsonNode.Parse(await (await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", ("bob", "Bob12345"), new
            {
                name = $"Racing {round}",
                clientType = "confidential-web",
                grantTypes = new[] { "client_credentials" },
                scopes = new[] { "probe.read" },
                acceptTerms = true,
            })).Content.ReadAsStringAsync())!;
            var clientId = (string)created["client"]!["clientId"]!;
            var (_, tokens) = await _oauth.TokenAsync((clientId, (string)created["clientSecret"]!), ("grant_type", "client_credentials"));
            var token = (string)tokens["access_token"]!;
            Assert.True((await _oauth.ValidateAsync(token)).IsValid);

            using var stop = new CancellationTokenSource();
            var racers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await _oauth.ValidateAsync(token);
                }
            })).ToList();
            var deleted = await _oauth.ApiAsync(HttpMethod.Delete, $"/ws/oauth2/api/clients/{clientId}", ("bob", "Bob12345"));
            await stop.CancelAsync();
            await Task.WhenAll(racers);

            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.False((await _oauth.ValidateAsync(token)).IsValid, $"round {round}: the deleted client's token was still valid");
            Assert.Equal(HttpStatusCode.Unauthorized, (await CallProbeAsync(token)).StatusCode);
        }
    }

    [Fact]
    public async Task A_token_works_on_a_module_endpoint_through_the_sdk_filter()
    {
        var token = (string)(await _oauth.PasswordTokenAsync())["access_token"]!;

        var response = await CallProbeAsync(token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"\"{OAuth2Harness.Confidential}\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Tokens_survive_a_restart_of_the_host()
    {
        var token = (string)(await _oauth.PasswordTokenAsync())["access_token"]!;
        var data = _oauth.Host.DataDirectory;
        var modules = _oauth.Host.ModulesFile;
        await _oauth.Host.App.StopAsync();

        await using var restarted = await Infrastructure.EmrTestHost.StartAsync(data, modules);
        await using var scope = restarted.CreateScope();
        var result = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<IOAuth2Service>(scope.ServiceProvider).ValidateTokenAsync(token);
        Assert.True(result.IsValid, result.FailureDescription);
        foreach (var key in new[] { "signing.pem", "token-signing.key", "token-encryption.key", "access-token-encryption.key" })
        {
            Assert.NotNull(await restarted.ReadKeyAsync(key));
            if (!restarted.DatabaseFile.StartsWith(Infrastructure.Database.PostgresPrefix, StringComparison.Ordinal) && !OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "keys", "oauth2", key)));
            }
        }
    }

    [Fact]
    public async Task A_token_from_before_the_current_keys_still_validates()
    {
        // The same token as issued before the HS256 signing and direct-encryption keys: RS256-signed and
        // encrypted with the A256KW key. Its entry is the same, so only the keys decide.
        var token = (string)(await _oauth.PasswordTokenAsync())["access_token"]!;
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "token-encryption.key", "signing.pem", "access-token-encryption.key" })
        {
            stored[name] = (await _oauth.Host.ReadKeyAsync(name))!;
        }

        SymmetricSecurityKey Symmetric(string name) => new(Convert.FromBase64String(stored[name]));
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var inner = handler.ReadJsonWebToken(handler.DecryptToken(handler.ReadJsonWebToken(token), new TokenValidationParameters { TokenDecryptionKey = Symmetric("token-encryption.key") }));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(stored["signing.pem"]);
        var older = handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(inner.EncodedPayload)),
            TokenType = inner.Typ,
            AdditionalHeaderClaims = new Dictionary<string, object> { ["typ"] = inner.Typ },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256),
            EncryptingCredentials = new EncryptingCredentials(Symmetric("access-token-encryption.key"), SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512),
        });

        var result = await _oauth.ValidateAsync(older);
        var tampered = await _oauth.ValidateAsync(older[..^4] + "AAAA");

        Assert.True(result.IsValid, result.FailureDescription);
        Assert.Equal("alice", result.Username);
        Assert.False(tampered.IsValid);
    }

    private async Task<HttpResponseMessage> CallProbeAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws/probe/secured/scoped");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _oauth.Client.SendAsync(request);
    }
}
