using System.Net;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Security.Attacks;

/// <summary>
/// Attacks on <c>/ws/oauth2/authorize</c>: redirect URI matching, PKCE, state reflection, prompt, the
/// <c>iss</c> response parameter, oversized and injected parameters (RFC 6749 §3.1, RFC 9700 §4.1, RFC 7636,
/// RFC 8252 §7.3, RFC 9207). A refused redirect URI never gets a redirect: the user sees an error page.
/// </summary>
[Collection(AttackHostGroup.Name)]
public sealed class AuthorizationEndpointAttacks(AttackHost host)
{
    private const string Registered = AttackHost.Redirect;

    [Theory]
    [Trait("Source", "RFC 9700 §4.1.3; RFC 6749 §3.1.2.3; OpenID conformance oidcc-ensure-registered-redirect-uri")]
    [InlineData("path traversal", "http://127.0.0.1:5173/callback/../evil")]
    [InlineData("encoded path traversal", "http://127.0.0.1:5173/callback/..%2Fevil")]
    [InlineData("percent-encoded path", "http://127.0.0.1:5173/%63allback")]
    [InlineData("userinfo at-sign to another host", "http://127.0.0.1:5173@evil.example/callback")]
    [InlineData("userinfo before the registered host", "http://evil.example@127.0.0.1:5173/callback")]
    [InlineData("suffix host", "http://127.0.0.1.evil.example:5173/callback")]
    [InlineData("path case", "http://127.0.0.1:5173/CALLBACK")]
    [InlineData("scheme", "https://127.0.0.1:5173/callback")]
    [InlineData("trailing slash", "http://127.0.0.1:5173/callback/")]
    [InlineData("extra query", "http://127.0.0.1:5173/callback?next=https://evil.example")]
    [InlineData("fullwidth digits", "http://１２７.０.０.１:5173/callback")]
    [InlineData("Cyrillic look-alike path", "http://127.0.0.1:5173/cаllback")]
    [InlineData("IDN look-alike of the registered localhost host", "http://lосalhost:5000/ws/oauth2/fragmentextractor.html?client_id=xyz-spa")]
    [InlineData("another port on a web client's loopback URI", "http://127.0.0.1:5174/callback")]
    [InlineData("localhost for 127.0.0.1", "http://localhost:5173/callback")]
    [InlineData("javascript scheme", "javascript:alert(document.domain)//127.0.0.1:5173/callback")]
    public async Task Redirect_uri_not_exactly_registered_is_refused_without_a_redirect(string attack, string redirectUri)
    {
        var response = await host.Client.GetAsync(AuthorizeUrl(AttackHost.Public, redirectUri, Pkce.Create()));

        await AssertErrorPageAsync(response, attack);
    }

    [Fact]
    [Trait("Source", "RFC 9700 §4.1.3; RFC 6749 §4.1.2.1")]
    public async Task Redirect_uri_with_an_unknown_client_is_refused_without_a_redirect()
    {
        var response = await host.Client.GetAsync(AuthorizeUrl("no-such-client", Registered, Pkce.Create()));

        await AssertErrorPageAsync(response, "unknown client");
    }

    [Fact]
    [Trait("Source", "RFC 8252 §7.3 (loopback redirect: any port for native apps)")]
    public async Task Native_app_loopback_redirect_uri_may_change_port_only()
    {
        var (clientId, _) = await host.RegisterClientAsync(("bob", "Bob12345"), "public-native", ["authorization_code"], ["openid"], ["http://127.0.0.1/callback"]);
        var pkce = Pkce.Create();

        var otherPort = await host.Client.GetAsync(AuthorizeUrl(clientId, "http://127.0.0.1:51004/callback", pkce, scope: "openid"));
        var otherPath = await host.Client.GetAsync(AuthorizeUrl(clientId, "http://127.0.0.1:51004/callback/x", pkce, scope: "openid"));
        var localhost = await host.Client.GetAsync(AuthorizeUrl(clientId, "http://localhost:51004/callback", pkce, scope: "openid"));
        var otherHost = await host.Client.GetAsync(AuthorizeUrl(clientId, "http://127.0.0.2:51004/callback", pkce, scope: "openid"));

        // A verified request goes on to sign-in (the user is not signed in), never to an error page.
        Assert.Equal(HttpStatusCode.Redirect, otherPort.StatusCode);
        Assert.StartsWith("/ws/oauth2/authenticate_user", otherPort.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await AssertErrorPageAsync(otherPath, "path");
        await AssertErrorPageAsync(localhost, "localhost");
        await AssertErrorPageAsync(otherHost, "other loopback address");
    }

    [Theory]
    [Trait("Source", "RFC 6749 §3.1 (parameters must not be included more than once); RFC 9700 §4.1.3")]
    [InlineData("redirect_uri=https%3A%2F%2Fevil.example%2Fcb", "registered first, evil second")]
    [InlineData("client_id=xyz-emr", "a second client_id")]
    [InlineData("response_type=token", "a second response_type")]
    public async Task Duplicate_parameters_are_refused_and_never_redirect_elsewhere(string duplicate, string attack)
    {
        var pkce = Pkce.Create();

        var appended = await host.Client.GetAsync(AuthorizeUrl(AttackHost.Public, Registered, pkce) + "&" + duplicate);
        var prepended = await host.Client.GetAsync("/ws/oauth2/authorize?" + duplicate + "&" + AuthorizeUrl(AttackHost.Public, Registered, pkce)["/ws/oauth2/authorize?".Length..]);

        foreach (var response in new[] { appended, prepended })
        {
            if (response.StatusCode == HttpStatusCode.Redirect)
            {
                // Only an OAuth error back to the one registered address is acceptable.
                var location = response.Headers.Location!;
                Assert.True(location.IsAbsoluteUri && location.AbsoluteUri.StartsWith(Registered + "?", StringComparison.Ordinal), $"{attack}: redirected to {location}");
                Assert.Equal("invalid_request", Browser.Parameters(location)["error"]);
            }
            else
            {
                await AssertErrorPageAsync(response, attack);
            }
        }
    }

    [Theory]
    [Trait("Source", "OAuth 2.0 Multiple Response Type Encoding Practices §2.1; RFC 9700 §2.1.2")]
    [InlineData("token", "query", "tokens must never travel in a query string")]
    [InlineData("code", "evil_mode", "an unknown response mode")]
    [InlineData("code", "web_message", "a response mode this server does not offer")]
    public async Task Response_mode_tricks_are_refused(string responseType, string responseMode, string attack)
    {
        var browser = host.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");

        var response = await browser.GetAsync(AuthorizeUrl(AttackHost.Public, Registered, Pkce.Create(), responseType: responseType, extra: $"response_mode={responseMode}&nonce=n-0S6"));

        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.BadRequest, $"{attack}: {(int)response.StatusCode}");
        var location = response.Headers.Location?.ToString() ?? string.Empty;
        Assert.DoesNotContain("access_token", location, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", location, StringComparison.Ordinal);
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.StartsWith(Registered, location, StringComparison.Ordinal);
            Assert.Contains("error=", location, StringComparison.Ordinal);
        }
    }

    [Theory]
    [Trait("Source", "RFC 7636 §4.1-4.2; RFC 9700 §2.1.1")]
    [InlineData("absent", null, null)]
    [InlineData("plain method", "abcdefghijabcdefghijabcdefghijabcdefghij12345", "plain")]
    [InlineData("42 characters (RFC 7636 minimum is 43)", "abcdefghijabcdefghijabcdefghijabcdefghij12", "S256")]
    [InlineData("129 characters (RFC 7636 maximum is 128)", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghi", "S256")]
    [InlineData("characters outside [A-Za-z0-9-._~]", "abcdefghijabcdefghijabcdefghij<script>x+/=!", "S256")]
    public async Task Weak_or_absent_pkce_challenge_from_a_public_client_is_refused(string attack, string? challenge, string? method)
    {
        var extra = challenge is null ? null : $"code_challenge={Uri.EscapeDataString(challenge)}&code_challenge_method={method}";

        var response = await host.Client.GetAsync(AuthorizeUrl(AttackHost.Public, Registered, pkce: null, extra: extra));

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{attack}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location!;
        Assert.True(location.IsAbsoluteUri, $"{attack}: the request was accepted and went on to {location}");
        Assert.StartsWith(Registered + "?", location.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("invalid_request", Browser.Parameters(location)["error"]);
    }

    [Fact]
    [Trait("Source", "RFC 6749 §4.1.2 (state returned exactly as received); OWASP XSS Prevention Cheat Sheet")]
    public async Task State_with_markup_is_reflected_encoded_and_returned_intact_never_raw()
    {
        const string state = "\"><script>alert(1)</script><img src=x onerror=alert(2)>'";
        var browser = host.NewBrowser();

        var consent = await browser.ReachConsentAsync(AuthorizeUrl(AttackHost.Public, Registered, Pkce.Create(), state: state, extra: "prompt=consent"));
        var location = await browser.DecideAsync(consent, approve: false, remember: false);

        Assert.DoesNotContain("<script>alert(1)</script>", consent, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", consent, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", consent, StringComparison.Ordinal);
        Assert.DoesNotContain("<", location.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("\"", location.OriginalString, StringComparison.Ordinal);
        Assert.Equal(state, Browser.Parameters(location)["state"]);
    }

    [Fact]
    [Trait("Source", "OpenID Connect Core §3.1.2.6; OpenID conformance oidcc-prompt-none-not-logged-in")]
    public async Task Prompt_none_without_a_session_is_login_required_at_the_client_not_a_login_page()
    {
        var response = await host.Client.GetAsync(AuthorizeUrl(AttackHost.Public, Registered, Pkce.Create(), scope: "openid", extra: "prompt=none&nonce=n-1"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(Registered + "?", response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("login_required", Browser.Parameters(response.Headers.Location!)["error"]);
        Assert.Equal("state-123", Browser.Parameters(response.Headers.Location!)["state"]);
    }

    [Fact]
    [Trait("Source", "RFC 9207 §2 (iss in the authorization response; mix-up defence, RFC 9700 §4.4)")]
    public async Task Authorization_responses_carry_the_issuer_and_an_injected_iss_is_ignored()
    {
        var discovery = JsonNode.Parse(await host.Client.GetStringAsync("/.well-known/openid-configuration"))!;
        var issuer = (string)discovery["issuer"]!;
        var browser = host.NewBrowser();

        var consent = await browser.ReachConsentAsync(AuthorizeUrl(AttackHost.Public, Registered, Pkce.Create(), extra: "prompt=consent&iss=https%3A%2F%2Fevil.example%2F"));
        var success = Browser.Parameters(await browser.DecideAsync(consent, approve: true, remember: false));
        var error = await host.Client.GetAsync(AuthorizeUrl(AttackHost.Public, Registered, pkce: null));

        Assert.Equal(host.Origin + "/", issuer);
        Assert.True((bool)discovery["authorization_response_iss_parameter_supported"]!);
        Assert.True(success.ContainsKey("code"));
        Assert.Equal(issuer, success["iss"]);
        Assert.Equal(issuer, Browser.Parameters(error.Headers.Location!)["iss"]);
    }

    [Fact]
    [Trait("Source", "RFC 9110 §15.5.15 (414); OWASP Denial of Service Cheat Sheet (input size limits)")]
    public async Task Oversized_authorization_query_is_refused_414()
    {
        var url = AuthorizeUrl(AttackHost.Public, Registered, Pkce.Create(), state: new string('A', 100_000));

        var response = await host.RawAsync("GET", url);

        Assert.Equal(414, response.Status);
        Assert.Null(response.Header("Location"));
    }

    [Fact]
    [Trait("Source", "OWASP Denial of Service Cheat Sheet (input size limits); RFC 6749 §4.1.2.1 (invalid_request)")]
    public async Task Oversized_authorization_form_post_is_refused_without_echoing_it_into_a_redirect()
    {
        var form = string.Join('&', new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = AttackHost.Public,
            ["redirect_uri"] = Registered,
            ["scope"] = "openid",
            ["code_challenge"] = Pkce.Create().Challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = new string('A', 100_000),
            ["nonce"] = "n",
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

        var response = await host.RawAsync("POST", "/ws/oauth2/authorize", ["Content-Type: application/x-www-form-urlencoded"], form);

        Assert.True(response.Status is 400 or 413, $"answered {response.Status} with a Location of {response.Header("Location")?.Length} characters");
        Assert.True((response.Header("Location")?.Length ?? 0) < 8_192, $"a Location header of {response.Header("Location")?.Length} characters");
    }

    [Theory]
    [Trait("Source", "OWASP HTTP Response Splitting; RFC 9700 §4.1.3")]
    [InlineData("state", "abc\r\nSet-Cookie: injected=1")]
    [InlineData("redirect_uri", "http://127.0.0.1:5173/callback\r\nLocation: https://evil.example/")]
    public async Task Crlf_injected_into_a_parameter_never_splits_the_response(string parameter, string value)
    {
        var pkce = Pkce.Create();
        var url = parameter == "state"
            ? AuthorizeUrl(AttackHost.Public, Registered, pkce: null, state: value)
            : AuthorizeUrl(AttackHost.Public, value, pkce);

        var response = await host.Client.GetAsync(url);

        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("injected", StringComparison.Ordinal)));
        if (parameter == "state")
        {
            // The redirect URI is valid: the PKCE error goes back with the state percent-encoded.
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.DoesNotContain("\n", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
            Assert.Equal(value, Browser.Parameters(response.Headers.Location!)["state"]);
        }
        else
        {
            await AssertErrorPageAsync(response, "CRLF in redirect_uri");
        }
    }

    internal static string AuthorizeUrl(string clientId, string redirectUri, Pkce? pkce, string scope = "openid launch/patient", string responseType = "code", string state = "state-123", string? extra = null) =>
        "/ws/oauth2/authorize?" + string.Join('&', new[]
        {
            $"response_type={Uri.EscapeDataString(responseType)}", $"client_id={Uri.EscapeDataString(clientId)}",
            $"redirect_uri={Uri.EscapeDataString(redirectUri)}", $"scope={Uri.EscapeDataString(scope)}", $"state={Uri.EscapeDataString(state)}",
            pkce is null ? null : $"code_challenge={pkce.Challenge}&code_challenge_method=S256",
            scope.Contains("openid", StringComparison.Ordinal) && extra?.Contains("nonce=", StringComparison.Ordinal) != true ? "nonce=n-0S6_WzA2Mj" : null,
            extra,
        }.Where(p => p is not null));

    /// <summary>An error page of this server: 400, HTML, and no redirect anywhere.</summary>
    internal static async Task AssertErrorPageAsync(HttpResponseMessage response, string attack)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{attack}: expected the 400 error page, got {(int)response.StatusCode} {response.Headers.Location}");
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("request was refused", body, StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv=\"refresh\"", body, StringComparison.OrdinalIgnoreCase);
    }
}
