using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Security.Attacks;

/// <summary>
/// Attacks on <c>/ws/oauth2/token</c>, <c>/ws/oauth2/introspect</c> and <c>/ws/oauth2/revoke</c>: code replay and
/// injection, PKCE downgrade, client impersonation, grant and scope misuse, password guessing around the
/// lockout and the throttle, refresh-token theft and escalation, caching of token responses.
/// </summary>
[Collection(AttackHostGroup.Name)]
public sealed class TokenEndpointAttacks(AttackHost host)
{
    private static readonly (string, string) Emr = (AttackHost.Confidential, AttackHost.ConfidentialSecret);

    [Fact]
    [Trait("Source", "RFC 6749 §4.1.2 and §10.5; RFC 9700 §4.5; OpenID conformance oidcc-codereuse")]
    public async Task Code_replay_is_refused_and_revokes_the_tokens_of_the_first_redemption()
    {
        var pkce = Pkce.Create();
        var code = await host.CodeAsync(AttackHost.Public, pkce, "openid offline_access launch/patient");
        (string, string)[] redeem = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", AttackHost.Redirect), ("client_id", AttackHost.Public), ("code_verifier", pkce.Verifier)];

        var (firstStatus, first, _) = await host.TokenAsync(null, redeem);
        var (secondStatus, second, _) = await host.TokenAsync(null, redeem);

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.BadRequest, secondStatus);
        Assert.Equal("invalid_grant", (string?)second["error"]);
        Assert.Null(second["access_token"]);
        Assert.False(await host.IsActiveAsync((string)first["access_token"]!));
        Assert.False(await host.IsActiveAsync((string)first["refresh_token"]!));
    }

    [Fact]
    [Trait("Source", "RFC 6749 §4.1.3 (code bound to the client); RFC 9700 §4.5 (code injection)")]
    public async Task Code_issued_to_one_client_cannot_be_redeemed_by_another()
    {
        var pkce = Pkce.Create();
        var code = await host.CodeAsync(AttackHost.Public, pkce);

        var (status, body, _) = await host.TokenAsync(Emr,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", AttackHost.Redirect), ("code_verifier", pkce.Verifier));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
        Assert.Null(body["access_token"]);
    }

    [Theory]
    [Trait("Source", "RFC 6749 §4.1.3 (redirect_uri identical to the authorization request's)")]
    [InlineData("http://127.0.0.1:5173/callback/", "invalid_grant")]
    [InlineData("http://127.0.0.1:5173/other", "invalid_grant")]
    [InlineData(null, "invalid_request")]
    public async Task Redirect_uri_mismatch_at_redemption_is_refused(string? redirectUri, string error)
    {
        var pkce = Pkce.Create();
        var code = await host.CodeAsync(AttackHost.Public, pkce);
        var form = new List<(string, string)> { ("grant_type", "authorization_code"), ("code", code), ("client_id", AttackHost.Public), ("code_verifier", pkce.Verifier) };
        if (redirectUri is not null)
        {
            form.Add(("redirect_uri", redirectUri));
        }

        var (status, body, _) = await host.TokenAsync(null, [.. form]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(error, (string?)body["error"]);
        Assert.Null(body["access_token"]);
    }

    [Fact]
    [Trait("Source", "RFC 7636 §4.4-4.6; RFC 9700 §4.8 (PKCE downgrade)")]
    public async Task Pkce_verifier_missing_at_redemption_is_refused()
    {
        var pkce = Pkce.Create();
        var code = await host.CodeAsync(AttackHost.Public, pkce);

        var (status, body, _) = await host.TokenAsync(null, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", AttackHost.Redirect), ("client_id", AttackHost.Public));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", (string?)body["error"]);
        Assert.Null(body["access_token"]);
    }

    [Fact]
    [Trait("Source", "RFC 7636 §4.6; RFC 9700 §4.8; RFC 6749 §10.5 (a code is single-use: a failed guess burns it)")]
    public async Task Wrong_pkce_verifier_is_refused_and_burns_the_code()
    {
        var pkce = Pkce.Create();
        var code = await host.CodeAsync(AttackHost.Public, pkce);
        (string, string)[] Redeem(string verifier) => [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", AttackHost.Redirect), ("client_id", AttackHost.Public), ("code_verifier", verifier)];

        var (wrongStatus, wrong, _) = await host.TokenAsync(null, Redeem(Pkce.Create().Verifier));
        var (rightStatus, right, _) = await host.TokenAsync(null, Redeem(pkce.Verifier));

        Assert.Equal(HttpStatusCode.BadRequest, wrongStatus);
        Assert.Equal("invalid_grant", (string?)wrong["error"]);
        Assert.True(rightStatus == HttpStatusCode.BadRequest, $"the code still worked after a wrong verifier: {right.ToJsonString()}");
        Assert.Equal("invalid_grant", (string?)right["error"]);
    }

    [Fact]
    [Trait("Source", "RFC 9700 §2.1.1 and §4.8.2 (a code_verifier without a code_challenge is refused)")]
    public async Task Code_verifier_for_a_code_issued_without_a_challenge_is_refused()
    {
        var code = await host.CodeAsync(AttackHost.Confidential, pkce: null);

        var (status, body, _) = await host.TokenAsync(Emr,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", AttackHost.Redirect), ("code_verifier", Pkce.Create().Verifier));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Null(body["access_token"]);
        Assert.Contains((string?)body["error"], new[] { "invalid_request", "invalid_grant" });
    }

    [Fact]
    [Trait("Source", "RFC 6749 §2.3.1 and §5.2 (invalid_client, 401 with WWW-Authenticate for Basic)")]
    public async Task Wrong_client_secret_is_invalid_client()
    {
        var (status, body, response) = await host.TokenAsync((AttackHost.Confidential, "xyz-emr-secreT"), ("grant_type", "client_credentials"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", (string?)body["error"]);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Null(body["access_token"]);
    }

    [Theory]
    [Trait("Source", "RFC 6749 §2.3.1 (credentials must not be in the request URI); RFC 6749 §3.2 (POST only)")]
    [InlineData("POST", "?client_id=xyz-emr&client_secret=xyz-emr-secret", "grant_type=client_credentials")]
    [InlineData("POST", "?client_secret=xyz-emr-secret", "grant_type=client_credentials&client_id=xyz-emr")]
    [InlineData("GET", "?grant_type=client_credentials&client_id=xyz-emr&client_secret=xyz-emr-secret", null)]
    public async Task Client_secret_in_the_query_string_or_a_get_request_gets_no_token(string method, string query, string? form)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/ws/oauth2/token" + query);
        if (form is not null)
        {
            request.Content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded");
        }

        var response = await host.Client.SendAsync(request);
        var body = await AttackHost.JsonBodyAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string?)body["error"]);
        Assert.Null(body["access_token"]);
    }

    [Fact]
    [Trait("Source", "RFC 6749 §3.2 and §4.4.2 (application/x-www-form-urlencoded only)")]
    public async Task Json_body_at_the_token_endpoint_is_refused()
    {
        var response = await host.Client.PostAsync("/ws/oauth2/token", new StringContent(
            """{"grant_type":"client_credentials","client_id":"xyz-emr","client_secret":"xyz-emr-secret"}""", Encoding.UTF8, "application/json"));
        var body = await AttackHost.JsonBodyAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string?)body["error"]);
        Assert.Null(body["access_token"]);
    }

    [Theory]
    [Trait("Source", "RFC 6749 §4.4 (client credentials act for no user); DESIGN §7")]
    [InlineData("openid")]
    [InlineData("offline_access")]
    [InlineData("launch/patient")]
    [InlineData("system/Patient.rs fhirUser")]
    public async Task Client_credentials_asking_for_a_user_scope_is_invalid_scope(string scope)
    {
        var (status, body, _) = await host.TokenAsync(Emr, ("grant_type", "client_credentials"), ("scope", scope));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", (string?)body["error"]);
        Assert.Null(body["access_token"]);
    }

    [Fact]
    [Trait("Source", "RFC 6749 §3.3 and §4.4.2 (scope limited to the client's registration)")]
    public async Task Client_credentials_asking_beyond_the_registered_scopes_is_refused()
    {
        var (clientId, secret) = await host.RegisterClientAsync(("bob", "Bob12345"), "confidential-web", ["client_credentials"], ["rest.read"]);

        var (status, body, _) = await host.TokenAsync((clientId, secret!), ("grant_type", "client_credentials"), ("scope", "rest.read rest.write"));
        var (allowed, _, _) = await host.TokenAsync((clientId, secret!), ("grant_type", "client_credentials"), ("scope", "rest.read"));

        // OpenIddict's scope-permission check answers invalid_request; RFC 6749 §5.2 would say invalid_scope: either refuses.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains((string?)body["error"], new[] { "invalid_scope", "invalid_request" });
        Assert.Null(body["access_token"]);
        Assert.Equal(HttpStatusCode.OK, allowed);
    }

    [Fact]
    [Trait("Source", "RFC 6749 §5.2 (unauthorized_client); RFC 9700 §2.4 (password grant only where registered)")]
    public async Task Password_grant_for_a_client_not_registered_for_it_is_unauthorized_client()
    {
        var (clientId, secret) = await host.RegisterClientAsync(("bob", "Bob12345"), "confidential-web", ["client_credentials"], ["rest.read"]);

        var (status, body, _) = await host.TokenAsync((clientId, secret!), ("grant_type", "password"), ("username", "alice"), ("password", "Alice123"), ("scope", "rest.read"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", (string?)body["error"]);
        Assert.Null(body["access_token"]);
    }

    [Theory]
    [Trait("Source", "RFC 6819 §5.1.4.2.3; OWASP Authentication Cheat Sheet (account lockout); OpenMRS lockout")]
    [InlineData("upper case")]
    [InlineData("mixed case")]
    [InlineData("surrounding spaces")]
    [InlineData("tab and no-break space")]
    [InlineData("Latin long s (folds to S)")]
    [InlineData("Cyrillic look-alike")]
    [InlineData("fullwidth letters")]
    [InlineData("combining accent")]
    public async Task Lockout_is_not_bypassed_by_respelling_the_username(string spelling)
    {
        var username = await host.CreateUserAsync("Locked12345");
        for (var attempt = 0; attempt < 7; attempt++)
        {
            var (wrong, _, _) = await PasswordAsync(username, $"wrong-{attempt}");
            Assert.Equal(HttpStatusCode.BadRequest, wrong);
        }

        var (status, body, _) = await PasswordAsync(Respell(username, spelling), "Locked12345");
        var (canonical, canonicalBody, _) = await PasswordAsync(username, "Locked12345");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
        Assert.Null(body["access_token"]);
        Assert.Equal(HttpStatusCode.BadRequest, canonical);
        Assert.Null(canonicalBody["access_token"]);
        Assert.NotNull(await host.ScalarAsync("SELECT lockout_until FROM users WHERE username = $u", ("$u", username)));
    }

    [Theory]
    [Trait("Source", "RFC 6819 §5.1.4.2.3; OWASP Authentication Cheat Sheet (one counter per account)")]
    [InlineData("upper case")]
    [InlineData("surrounding spaces")]
    [InlineData("Latin long s (folds to S)")]
    public async Task Guesses_under_a_respelled_username_count_toward_the_same_lockout(string spelling)
    {
        var username = await host.CreateUserAsync("Locked12345");
        for (var attempt = 0; attempt < 7; attempt++)
        {
            await PasswordAsync(Respell(username, spelling), $"wrong-{attempt}");
        }

        var (status, body, _) = await PasswordAsync(username, "Locked12345");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
        Assert.Null(body["access_token"]);
    }

    [Fact]
    [Trait("Source", "RFC 6819 §5.1.4.2.3; OWASP Authentication Cheat Sheet (race on the failure counter)")]
    public async Task Parallel_password_guesses_cannot_slip_past_the_lockout()
    {
        var username = await host.CreateUserAsync("Locked12345");

        var guesses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => PasswordAsync(username, $"parallel-{i}")));
        var (status, body, _) = await PasswordAsync(username, "Locked12345");

        Assert.All(guesses, g => Assert.Equal(HttpStatusCode.BadRequest, g.Status));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Null(body["access_token"]);
        Assert.NotNull(await host.ScalarAsync("SELECT lockout_until FROM users WHERE username = $u", ("$u", username)));
    }

    [Fact]
    [Trait("Source", "RFC 9700 §4.13 (headers from a proxy are trusted only from that proxy); RFC 6819 §5.1.4.2.3; OWASP Authentication Cheat Sheet")]
    public async Task Spoofed_x_forwarded_for_does_not_escape_the_password_throttle()
    {
        var from = host.FromAddress(250);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var (status, _, _) = await PasswordFromAsync(from, $"nobody-{attempt}", "wrong", $"203.0.113.{attempt}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
        }

        var (_, body, response) = await PasswordFromAsync(from, "alice", "Alice123", "198.51.100.77");

        Assert.Null(body["access_token"]);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    [Trait("Source", "RFC 6749 §5.2 (errors are 400 invalid_grant); RFC 9110 §10.2.3 (Retry-After)")]
    public async Task Throttled_password_grant_answers_invalid_grant_with_retry_after()
    {
        var from = host.FromAddress(251);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await PasswordFromAsync(from, $"nobody-{attempt}", "wrong", null);
        }

        var (status, body, response) = await PasswordFromAsync(from, "alice", "Alice123", null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Null(body["access_token"]);
    }

    [Fact]
    [Trait("Source", "RFC 6749 §6 and §10.4 (refresh token bound to its client); RFC 9700 §4.14")]
    public async Task Refresh_token_of_another_client_is_refused()
    {
        var (clientId, secret) = await host.RegisterClientAsync(("bob", "Bob12345"), "confidential-web", ["password", "refresh_token"], ["rest.read", "offline_access"]);
        var tokens = await host.PasswordTokensAsync("alice", "Alice123", "rest.read offline_access");
        var refresh = (string)tokens["refresh_token"]!;

        var (status, body, _) = await host.TokenAsync((clientId, secret!), ("grant_type", "refresh_token"), ("refresh_token", refresh));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
        Assert.Null(body["access_token"]);
    }

    [Fact]
    [Trait("Source", "RFC 6749 §6 (a refresh may not add a scope the grant did not have)")]
    public async Task Scope_escalation_on_refresh_is_refused()
    {
        var tokens = await host.PasswordTokensAsync("alice", "Alice123", "rest.read offline_access");

        var (status, body, _) = await host.TokenAsync(Emr,
            ("grant_type", "refresh_token"), ("refresh_token", (string)tokens["refresh_token"]!), ("scope", "rest.read rest.write offline_access"));

        // OpenIddict answers invalid_grant; RFC 6749 §5.2 would say invalid_scope: either refuses.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains((string?)body["error"], new[] { "invalid_scope", "invalid_grant" });
        Assert.Null(body["access_token"]);
    }

    [Theory]
    [Trait("Source", "RFC 6749 §5.1 and §5.2 (Cache-Control: no-store on token responses)")]
    [InlineData("client_credentials success", "grant_type=client_credentials", true)]
    [InlineData("invalid_grant", "grant_type=authorization_code&code=not-a-code&redirect_uri=http%3A%2F%2F127.0.0.1%3A5173%2Fcallback", true)]
    [InlineData("invalid_client", "grant_type=client_credentials", false)]
    [InlineData("unsupported_grant_type", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code", true)]
    public async Task Token_responses_are_never_cached(string outcome, string form, bool rightSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/token") { Content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded") };
        request.Headers.Authorization = OAuth2Harness.BasicHeader(AttackHost.Confidential, rightSecret ? AttackHost.ConfidentialSecret : "wrong");

        var response = await host.Client.SendAsync(request);

        Assert.True(outcome.EndsWith("success", StringComparison.Ordinal) ? response.IsSuccessStatusCode : !response.IsSuccessStatusCode, outcome);
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{outcome}: Cache-Control '{response.Headers.CacheControl}'");
    }

    [Fact]
    [Trait("Source", "RFC 7662 §2.1 (the caller must be authorized); RFC 7009 §2.1 (client authentication)")]
    public async Task Introspection_and_revocation_without_client_credentials_are_refused()
    {
        var token = await host.AliceTokenAsync("rest.read");

        var (introspectStatus, introspected, _) = await AttackHost.PostFormAsync(host.Client, "/ws/oauth2/introspect", null, ("token", token));
        var (revokeStatus, revoked, _) = await AttackHost.PostFormAsync(host.Client, "/ws/oauth2/revoke", null, ("token", token));

        Assert.Equal(HttpStatusCode.Unauthorized, introspectStatus);
        Assert.Equal("invalid_client", (string?)introspected["error"]);
        Assert.Null(introspected["active"]);
        Assert.Equal(HttpStatusCode.Unauthorized, revokeStatus);
        Assert.Equal("invalid_client", (string?)revoked["error"]);
        Assert.True(await host.IsActiveAsync(token));
    }

    [Fact]
    [Trait("Source", "RFC 7662 §2.2 and §4 (the server decides whether the caller may see the token: else active false)")]
    public async Task Another_client_cannot_introspect_a_token()
    {
        var (clientId, secret) = await host.RegisterClientAsync(("bob", "Bob12345"), "confidential-web", ["client_credentials"], ["rest.read"]);
        var token = await host.AliceTokenAsync("rest.read");

        var (status, introspected, _) = await AttackHost.PostFormAsync(host.Client, "/ws/oauth2/introspect", (clientId, secret!), ("token", token));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool?)introspected["active"] == false, $"another client learns about the token: {introspected.ToJsonString()}");
        Assert.Null(introspected["sub"]);
        Assert.Null(introspected["client_id"]);
        Assert.True(await host.IsActiveAsync(token));
    }

    [Fact]
    [Trait("Source", "RFC 7009 §2.1 (the server verifies the token was issued to the client asking to revoke it)")]
    public async Task Another_client_cannot_revoke_a_token()
    {
        var (clientId, secret) = await host.RegisterClientAsync(("bob", "Bob12345"), "confidential-web", ["client_credentials"], ["rest.read"]);
        var tokens = await host.PasswordTokensAsync("alice", "Alice123", "rest.read offline_access");
        var access = (string)tokens["access_token"]!;
        var refresh = (string)tokens["refresh_token"]!;

        await AttackHost.PostFormAsync(host.Client, "/ws/oauth2/revoke", (clientId, secret!), ("token", access));
        await AttackHost.PostFormAsync(host.Client, "/ws/oauth2/revoke", (clientId, secret!), ("token", refresh));

        Assert.True(await host.IsActiveAsync(access), "another client revoked the access token");
        Assert.True(await host.IsActiveAsync(refresh), "another client revoked the refresh token");
    }

    private Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> PasswordAsync(string username, string password) =>
        host.TokenAsync(Emr, ("grant_type", "password"), ("username", username), ("password", password), ("scope", "rest.read"));

    private static async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> PasswordFromAsync(HttpClient from, string username, string password, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = username, ["password"] = password, ["scope"] = "rest.read" }),
        };
        request.Headers.Authorization = OAuth2Harness.BasicHeader(AttackHost.Confidential, AttackHost.ConfidentialSecret);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            request.Headers.Add("X-Real-IP", forwardedFor);
            request.Headers.Add("Forwarded", $"for={forwardedFor}");
        }

        var response = await from.SendAsync(request);
        return (response.StatusCode, await AttackHost.JsonBodyAsync(response), response);
    }

    internal static string Respell(string username, string spelling) => spelling switch
    {
        "upper case" => username.ToUpperInvariant(),
        "mixed case" => string.Concat(username.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c)),
        "surrounding spaces" => "  " + username + " ",
        "tab and no-break space" => "\t" + username + "\u00A0",
        "Latin long s (folds to S)" => username.Replace('s', '\u017F'),
        "Cyrillic look-alike" => username.Replace('e', '\u0435'),
        "fullwidth letters" => string.Concat(username.Select(c => c is >= '!' and <= '~' ? (char)(c + 0xFEE0) : c)),
        "combining accent" => username[..1] + "\u0301" + username[1..],
        _ => throw new ArgumentOutOfRangeException(nameof(spelling), spelling, null),
    };
}
