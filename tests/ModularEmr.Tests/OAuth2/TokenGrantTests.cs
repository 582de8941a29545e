using System.Net;
using ModularEmr.Sdk.Security;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.OAuth2;

public sealed class TokenGrantTests : IAsyncLifetime
{
    private static readonly (string, string) Confidential = (OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret);
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task The_token_response_has_the_design_shape_and_is_not_cached()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/access_token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "password"), new("username", "alice"), new("password", "Alice123"), new("scope", "probe.read offline_access")]),
        };
        request.Headers.Authorization = OAuth2Harness.BasicHeader(OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret);

        var response = await _oauth.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(["access_token", "expires_in", "refresh_token", "scope", "token_type"], body.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("offline_access probe.read", string.Join(' ', ((string)body["scope"]!).Split(' ').Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Client_credentials_gives_a_token_acting_for_the_client_alone()
    {
        var (status, body) = await _oauth.TokenAsync(Confidential, ("grant_type", "client_credentials"), ("scope", "probe.read"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(body["refresh_token"]);
        var token = await _oauth.ValidateAsync((string)body["access_token"]!, OAuth2Harness.Confidential);
        Assert.True(token.IsValid, token.FailureDescription);
        Assert.Null(token.UserUuid);
        Assert.Equal(["probe.read"], token.Scopes);
    }

    [Fact]
    public async Task Tokens_issued_at_the_same_time_each_get_their_own_entry_and_are_revoked_one_by_one()
    {
        // Concurrent requests share one database commit for their token entries; each must still be its own.
        var issued = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => _oauth.TokenAsync(Confidential, ("grant_type", "client_credentials"), ("scope", "probe.read"))));

        Assert.All(issued, response => Assert.Equal(HttpStatusCode.OK, response.Status));
        var tokens = issued.Select(response => (string)response.Body["access_token"]!).ToList();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            var result = await _oauth.ValidateAsync(token);
            Assert.True(result.IsValid, result.FailureDescription);
            Assert.True(ids.Add(result.TokenId!), "two tokens share one entry");
        }

        await _oauth.PostFormAsync("/ws/oauth2/revoke", Confidential, ("token", tokens[7]));
        Assert.Equal(TokenValidationFailure.Revoked, (await _oauth.ValidateAsync(tokens[7])).Failure);
        foreach (var token in tokens.Where((_, i) => i != 7))
        {
            Assert.True((await _oauth.ValidateAsync(token)).IsValid, "revoking one token revoked another");
        }
    }

    [Fact]
    public async Task Client_credentials_is_refused_to_a_public_client_and_user_scopes_to_anyone()
    {
        var (publicStatus, publicBody) = await _oauth.TokenAsync(null, ("grant_type", "client_credentials"), ("client_id", OAuth2Harness.Public));
        Assert.Equal(HttpStatusCode.BadRequest, publicStatus);
        // A public client cannot authenticate, so it cannot send what this grant requires (RFC 6749 §4.4).
        Assert.Equal("invalid_request", (string?)publicBody["error"]);

        var (_, openid) = await _oauth.TokenAsync(Confidential, ("grant_type", "client_credentials"), ("scope", "openid"));
        Assert.Equal("invalid_scope", (string?)openid["error"]);
    }

    [Theory]
    [InlineData("/ws/oauth2/token")]
    [InlineData("/ws/oauth2/introspect")]
    [InlineData("/ws/oauth2/revoke")]
    public async Task A_form_field_name_of_100000_characters_is_an_invalid_request_not_a_500(string endpoint)
    {
        var (status, body) = await _oauth.PostFormAsync(endpoint, (OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret),
            ("grant_type", "client_credentials"), (new string('a', 100_000), "1"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", (string?)body["error"]);
        Assert.Contains("2,048", (string?)body["error_description"], StringComparison.Ordinal);
    }

    /// <summary>Found by the endpoint fuzz: two Content-Type headers, the first a form's, were a 500 from OpenIddict's form reader.</summary>
    [Theory]
    [InlineData("/ws/oauth2/authorize")]
    [InlineData("/ws/oauth2/token")]
    [InlineData("/ws/oauth2/logout")]
    public async Task A_malformed_form_content_type_is_an_invalid_request_not_a_500(string endpoint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent("grant_type=client_credentials") };
        request.Content.Headers.Remove("Content-Type");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", ";;;");

        var response = await _oauth.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Content-Type header is malformed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("client_id")]
    [InlineData("client_secret")]
    [InlineData("scope")]
    [InlineData("username")]
    [InlineData("password")]
    public async Task A_form_value_of_100000_characters_is_a_clear_4xx(string field)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = OAuth2Harness.Confidential,
            ["client_secret"] = OAuth2Harness.ConfidentialSecret,
            ["username"] = "alice",
            ["password"] = "Alice123",
            [field] = new string('a', 100_000),
        };

        var (status, body) = await _oauth.PostFormAsync("/ws/oauth2/token", null, [.. form.Select(f => (f.Key, f.Value))]);

        Assert.InRange((int)status, 400, 401);
        Assert.NotNull((string?)body["error"]);
    }

    [Fact]
    public async Task A_wrong_secret_and_an_unknown_client_are_invalid_client()
    {
        var (wrongStatus, wrong) = await _oauth.TokenAsync((OAuth2Harness.Confidential, "not-the-secret"), ("grant_type", "client_credentials"));
        var (unknownStatus, unknown) = await _oauth.TokenAsync(("nobody", "whatever"), ("grant_type", "client_credentials"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        Assert.Equal("invalid_client", (string?)wrong["error"]);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownStatus);
        Assert.Equal("invalid_client", (string?)unknown["error"]);
    }

    [Fact]
    public async Task A_grant_type_the_client_is_not_registered_for_is_unauthorized_client()
    {
        var (status, body) = await _oauth.TokenAsync(null, ("grant_type", "password"), ("client_id", OAuth2Harness.Public), ("username", "alice"), ("password", "Alice123"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", (string?)body["error"]);
    }

    [Fact]
    public async Task A_scope_not_registered_for_the_client_is_refused()
    {
        var registered = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", ("bob", "Bob12345"), new
        {
            name = "Narrow",
            clientType = "confidential-web",
            grantTypes = new[] { "client_credentials" },
            scopes = new[] { "profile" },
            acceptTerms = true,
        });
        var created = System.Text.Json.Nodes.JsonNode.Parse(await registered.Content.ReadAsStringAsync())!;
        var client = ((string)created["client"]!["clientId"]!, (string)created["clientSecret"]!);

        var (status, body) = await _oauth.TokenAsync(client, ("grant_type", "client_credentials"), ("scope", "probe.read"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains((string?)body["error"], new[] { "invalid_scope", "invalid_request" });
    }

    [Fact]
    public async Task A_refresh_rotates_the_refresh_token_and_retires_the_access_token_before_it()
    {
        var first = await _oauth.PasswordTokenAsync();

        var (status, second) = await _oauth.TokenAsync(Confidential, ("grant_type", "refresh_token"), ("refresh_token", (string)first["refresh_token"]!));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual((string?)first["refresh_token"], (string?)second["refresh_token"]);
        Assert.Equal(TokenValidationFailure.Revoked, (await _oauth.ValidateAsync((string)first["access_token"]!)).Failure);
        Assert.True((await _oauth.ValidateAsync((string)second["access_token"]!)).IsValid);
    }

    [Fact]
    public async Task Reusing_an_old_refresh_token_fails_and_revokes_the_whole_chain()
    {
        var first = await _oauth.PasswordTokenAsync();
        var (_, second) = await _oauth.TokenAsync(Confidential, ("grant_type", "refresh_token"), ("refresh_token", (string)first["refresh_token"]!));

        var (status, reuse) = await _oauth.TokenAsync(Confidential, ("grant_type", "refresh_token"), ("refresh_token", (string)first["refresh_token"]!));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)reuse["error"]);
        Assert.False((await _oauth.ValidateAsync((string)second["access_token"]!)).IsValid);
        var (_, afterChain) = await _oauth.TokenAsync(Confidential, ("grant_type", "refresh_token"), ("refresh_token", (string)second["refresh_token"]!));
        Assert.Equal("invalid_grant", (string?)afterChain["error"]);
    }

    [Fact]
    public async Task Revocation_at_the_rfc7009_endpoint_takes_effect_on_the_next_call()
    {
        var tokens = await _oauth.PasswordTokenAsync();

        var (status, _) = await _oauth.PostFormAsync("/ws/oauth2/revoke", Confidential, ("token", (string)tokens["refresh_token"]!), ("token_type_hint", "refresh_token"));
        Assert.Equal(HttpStatusCode.OK, status);
        var (_, refresh) = await _oauth.TokenAsync(Confidential, ("grant_type", "refresh_token"), ("refresh_token", (string)tokens["refresh_token"]!));
        Assert.Equal("invalid_grant", (string?)refresh["error"]);

        await _oauth.PostFormAsync("/ws/oauth2/revoke", Confidential, ("token", (string)tokens["access_token"]!));
        Assert.Equal(TokenValidationFailure.Revoked, (await _oauth.ValidateAsync((string)tokens["access_token"]!)).Failure);
    }

    [Fact]
    public async Task Introspection_tells_an_active_token_from_a_revoked_one()
    {
        var tokens = await _oauth.PasswordTokenAsync();

        var (_, active) = await _oauth.PostFormAsync("/ws/oauth2/introspect", Confidential, ("token", (string)tokens["access_token"]!));
        Assert.True((bool)active["active"]!);
        Assert.Equal(OAuth2Harness.Confidential, (string?)active["client_id"]);

        await _oauth.PostFormAsync("/ws/oauth2/revoke", Confidential, ("token", (string)tokens["access_token"]!));
        var (_, inactive) = await _oauth.PostFormAsync("/ws/oauth2/introspect", Confidential, ("token", (string)tokens["access_token"]!));
        Assert.False((bool)inactive["active"]!);
    }

    [Fact]
    public async Task Password_guessing_locks_the_account_with_the_same_answer_and_the_lockout_ends()
    {
        for (var attempt = 1; attempt <= 7; attempt++)
        {
            var (_, failure) = await _oauth.TokenAsync(Confidential, ("grant_type", "password"), ("username", "alice"), ("password", $"guess-{attempt}"));
            Assert.Equal("invalid_grant", (string?)failure["error"]);
            Assert.Equal("The username or password is invalid.", (string?)failure["error_description"]);
        }

        var (lockedStatus, locked) = await _oauth.TokenAsync(Confidential, ("grant_type", "password"), ("username", "alice"), ("password", "Alice123"));
        Assert.Equal(HttpStatusCode.BadRequest, lockedStatus);
        Assert.Equal("The username or password is invalid.", (string?)locked["error_description"]);
        var (_, unknown) = await _oauth.TokenAsync(Confidential, ("grant_type", "password"), ("username", "nobody"), ("password", "Alice123"));
        Assert.Equal((string?)locked["error_description"], (string?)unknown["error_description"]);

        _oauth.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.NotNull((await _oauth.PasswordTokenAsync())["access_token"]);
    }

    [Fact]
    public async Task A_user_whose_app_was_revoked_loses_its_tokens_at_once()
    {
        var tokens = await _oauth.PasswordTokenAsync();
        Assert.True((await _oauth.ValidateAsync((string)tokens["access_token"]!)).IsValid);

        var revoke = await _oauth.ApiAsync(HttpMethod.Delete, $"/ws/oauth2/api/authorizations/{OAuth2Harness.Confidential}", ("alice", "Alice123"));

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.False((await _oauth.ValidateAsync((string)tokens["access_token"]!)).IsValid);
        var (_, refresh) = await _oauth.TokenAsync(Confidential, ("grant_type", "refresh_token"), ("refresh_token", (string)tokens["refresh_token"]!));
        Assert.Equal("invalid_grant", (string?)refresh["error"]);
    }
}

public sealed class PasswordThrottleTests
{
    [Fact]
    public async Task Many_password_attempts_from_one_client_and_address_are_refused_as_invalid_grant_with_retry_after()
    {
        await using var oauth = await OAuth2Harness.StartAsync(new { PasswordAttemptsPerWindow = 3, PasswordWindowSeconds = 600 });
        var credentials = (OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var (status, _) = await oauth.TokenAsync(credentials, ("grant_type", "password"), ("username", $"user{attempt}"), ("password", "wrong"));
            Assert.Equal(HttpStatusCode.BadRequest, status);
        }

        // RFC 6749 §5.2 has no throttling error (slow_down is RFC 8628's): invalid_grant, and when to retry.
        var throttled = await oauth.TokenResponseAsync(credentials, ("grant_type", "password"), ("username", "alice"), ("password", "Alice123"));
        Assert.Equal(HttpStatusCode.BadRequest, throttled.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await throttled.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_grant", (string?)body["error"]);
        Assert.Contains("Too many sign-in attempts", (string?)body["error_description"], StringComparison.Ordinal);
        var retryAfter = throttled.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 600);
    }
}
