using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Security.Attacks;

/// <summary>
/// Attacks a hostile web page or a curious user makes on the server's HTML pages and cookie-authenticated
/// JSON APIs: framing, referrer leaks, cross-site request forgery, session fixation, cookie theft, open
/// redirects, insecure direct object references, dangerous redirect URIs and cross-origin reads.
/// </summary>
[Collection(AttackHostGroup.Name)]
public sealed class BrowserPageAttacks(AttackHost host)
{
    private const string AntiforgeryField = "__RequestVerificationToken";

    [Theory]
    [Trait("Source", "RFC 9700 §4.16 (clickjacking) and §4.2 (Referer leakage); OWASP Clickjacking Defense Cheat Sheet; OWASP Secure Headers Project")]
    [InlineData("GET", "/ws/oauth2/authenticate_user")]
    [InlineData("GET", "/ws/oauth2/authorize?client_id=no-such-client&response_type=code")]
    [InlineData("GET", "/ws/oauth2/fragmentextractor.html?client_id=xyz-spa")]
    [InlineData("GET", "/ws/oauth2/clients")]
    [InlineData("GET", "/ws/fhir/metadata")]
    [InlineData("GET", "/.well-known/openid-configuration")]
    [InlineData("POST", "/ws/oauth2/token")]
    [InlineData("GET", "/no/such/page")]
    public async Task Every_response_forbids_framing_sniffing_and_referrers(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([KeyValuePair.Create("grant_type", "password")]);
        }

        var response = await host.Client.SendAsync(request);

        var csp = string.Join(";", Values(response, "Content-Security-Policy"));
        Assert.True(csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal), $"{path}: Content-Security-Policy '{csp}'");
        Assert.Equal("DENY", string.Join(",", Values(response, "X-Frame-Options")));
        Assert.Equal("no-referrer", string.Join(",", Values(response, "Referrer-Policy")));
        Assert.Equal("nosniff", string.Join(",", Values(response, "X-Content-Type-Options")));
    }

    [Theory]
    [Trait("Source", "RFC 6749 §10.12 (CSRF on the authorization endpoint); RFC 9700 §4.7; OWASP CSRF Prevention Cheat Sheet")]
    [InlineData("no antiforgery token")]
    [InlineData("the antiforgery token of another user's session")]
    public async Task Consent_approval_without_this_sessions_antiforgery_token_is_refused(string attack)
    {
        var alice = host.NewBrowser();
        var consent = await AttackHost.ConsentPageAsync(alice, AuthorizationEndpointAttacks.AuthorizeUrl(AttackHost.Public, AttackHost.Redirect, Pkce.Create(), extra: "prompt=consent"));
        var form = HtmlForm.Find(consent, "/ws/oauth2/authorize").With("consent_decision", "approve").With("consent_remember", "true").Without(AntiforgeryField);
        if (attack != "no antiforgery token")
        {
            var bob = host.NewBrowser();
            var bobsConsent = await AttackHost.ConsentPageAsync(bob, AuthorizationEndpointAttacks.AuthorizeUrl(AttackHost.Public, AttackHost.Redirect, Pkce.Create(), extra: "prompt=consent"), "bob", "Bob12345");
            form = form.With(AntiforgeryField, HtmlForm.Find(bobsConsent, "/ws/oauth2/authorize").Fields.Single(f => f.Key == AntiforgeryField).Value);
        }

        var before = await CountAsync("oauth2_authorization");
        var response = await alice.Client.PostAsync(form.Action, form.Content());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(before, await CountAsync("oauth2_authorization"));
    }

    [Theory]
    [Trait("Source", "OWASP CSRF Prevention Cheat Sheet (synchronizer token on every state-changing form)")]
    [InlineData("register")]
    [InlineData("edit")]
    [InlineData("rotate the secret")]
    [InlineData("delete")]
    public async Task Portal_form_post_without_antiforgery_token_is_refused_and_changes_nothing(string action)
    {
        var (clientId, secret) = await host.RegisterClientAsync(("bob", "Bob12345"), "confidential-web", ["client_credentials"], ["rest.read"]);
        var bob = host.NewBrowser();
        await SignInAsync(bob, "bob", "Bob12345");
        var target = action switch
        {
            "register" => "/ws/oauth2/clients",
            "edit" => $"/ws/oauth2/clients/{clientId}",
            "rotate the secret" => $"/ws/oauth2/clients/{clientId}/secret",
            _ => $"/ws/oauth2/clients/{clientId}/delete",
        };
        var before = await host.DatabaseChecksumAsync();

        var response = await bob.Client.PostAsync(target, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "Forged",
            ["clientType"] = "confidential-web",
            ["grantTypes"] = "client_credentials",
            ["scopes"] = "rest.write",
            ["acceptTerms"] = "true",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await host.DatabaseChecksumAsync());
        Assert.Equal(HttpStatusCode.OK, (await host.TokenAsync((clientId, secret!), ("grant_type", "client_credentials"), ("scope", "rest.read"))).Status);
    }

    [Theory]
    [Trait("Source", "OWASP CSRF Prevention Cheat Sheet; RFC 7009 §2 (revocation is a state change)")]
    [InlineData("the authorized-apps page form")]
    [InlineData("the JSON API with the session cookie")]
    public async Task Revocation_without_antiforgery_token_is_refused_and_the_app_keeps_access(string channel)
    {
        var token = await host.AliceTokenAsync("rest.read");
        var alice = host.NewBrowser();
        await SignInAsync(alice, "alice", "Alice123");

        var response = channel == "the authorized-apps page form"
            ? await alice.Client.PostAsync($"/ws/oauth2/authorizations/{AttackHost.Confidential}/revoke", new FormUrlEncodedContent([]))
            : await alice.Client.DeleteAsync($"/ws/oauth2/api/authorizations/{AttackHost.Confidential}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(await host.IsActiveAsync(token));
    }

    [Fact]
    [Trait("Source", "OWASP CSRF Prevention Cheat Sheet (login CSRF)")]
    public async Task Login_form_post_without_antiforgery_token_signs_nobody_in()
    {
        var browser = host.NewBrowser();
        var page = await browser.Client.GetStringAsync("/ws/oauth2/authenticate_user");
        var form = HtmlForm.Find(page, "/ws/oauth2/authenticate_user").With("username", "alice").With("password", "Alice123").Without(AntiforgeryField);

        var response = await browser.Client.PostAsync(form.Action, form.Content());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(SetCookies(response), c => c.StartsWith(".ModularEmr.Session=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/ws/oauth2/authorizations")).StatusCode);
    }

    [Fact]
    [Trait("Source", "OWASP Session Management Cheat Sheet (renew the session ID at sign-in; session fixation)")]
    public async Task Session_cookie_is_renewed_at_sign_in_and_a_planted_one_is_worthless()
    {
        var browser = host.NewBrowser();
        var origin = new Uri(host.Origin);
        browser.Cookies.Cookies.Add(origin, new Cookie(".ModularEmr.Session", "planted-by-the-attacker"));
        var planted = await browser.Client.GetAsync("/ws/oauth2/authorizations");

        await SignInAsync(browser, "alice", "Alice123");
        var first = browser.Cookies.Cookies.GetCookies(origin)[".ModularEmr.Session"]!.Value;
        await SignInAsync(browser, "bob", "Bob12345");
        var second = browser.Cookies.Cookies.GetCookies(origin)[".ModularEmr.Session"]!.Value;

        Assert.Equal(HttpStatusCode.Redirect, planted.StatusCode);
        Assert.StartsWith("/ws/oauth2/authenticate_user", planted.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.NotEqual("planted-by-the-attacker", first);
        Assert.NotEqual(first, second);
        var page = await browser.Client.GetStringAsync("/ws/oauth2/authorizations");
        Assert.Contains("Signed in as bob", page, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Source", "OWASP Session Management Cheat Sheet (cookie attributes); RFC 6265bis (SameSite)")]
    public async Task Session_and_antiforgery_cookies_are_http_only_and_same_site()
    {
        var browser = host.NewBrowser();
        var page = await browser.Client.GetAsync("/ws/oauth2/authenticate_user");
        var form = HtmlForm.Find(await page.Content.ReadAsStringAsync(), "/ws/oauth2/authenticate_user").With("username", "alice").With("password", "Alice123");
        var signedIn = await browser.Client.PostAsync(form.Action, form.Content());

        var session = Assert.Single(SetCookies(signedIn), c => c.StartsWith(".ModularEmr.Session=", StringComparison.Ordinal)).ToLowerInvariant();
        var antiforgery = Assert.Single(SetCookies(page), c => c.StartsWith(".ModularEmr.Antiforgery=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", session, StringComparison.Ordinal);
        Assert.Matches("samesite=(lax|strict)", session);
        Assert.Contains("path=/", session, StringComparison.Ordinal);
        Assert.Contains("httponly", antiforgery, StringComparison.Ordinal);
        Assert.Matches("samesite=(lax|strict)", antiforgery);
    }

    [Fact]
    [Trait("Source", "RFC 9700 §4.12 (no 307 after a POST carrying credentials: the browser would re-post them)")]
    public async Task Credential_post_is_answered_with_a_redirect_that_drops_the_body()
    {
        var browser = host.NewBrowser();
        var returnUrl = Uri.EscapeDataString(AuthorizationEndpointAttacks.AuthorizeUrl(AttackHost.Public, AttackHost.Redirect, Pkce.Create()));
        var page = await browser.Client.GetStringAsync($"/ws/oauth2/authenticate_user?returnUrl={returnUrl}");
        var form = HtmlForm.Find(page, "/ws/oauth2/authenticate_user").With("username", "alice").With("password", "Alice123");

        var response = await browser.Client.PostAsync(form.Action, form.Content());

        // 303 is what RFC 9700 §4.12 recommends; 302 is turned into a GET by every browser as well. Never 307 or 308.
        Assert.True((int)response.StatusCode is 302 or 303, $"answered {(int)response.StatusCode}");
        Assert.StartsWith("/ws/oauth2/authorize?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Source", "OWASP Unvalidated Redirects and Forwards Cheat Sheet; WHATWG URL (tab and newline are removed, backslash is a slash)")]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("/\t/evil.example/")]
    [InlineData("/\n/evil.example/")]
    [InlineData("https:evil.example")]
    public async Task Login_return_url_never_leads_to_another_site(string returnUrl)
    {
        var browser = host.NewBrowser();
        var page = await browser.Client.GetStringAsync($"/ws/oauth2/authenticate_user?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var form = HtmlForm.Find(page, "/ws/oauth2/authenticate_user").With("username", "alice").With("password", "Alice123");
        if (!form.Fields.Any(f => f.Key == "returnUrl" && f.Value.Length > 0))
        {
            // The page dropped it; a forged form posts it anyway.
            form = form.With("returnUrl", returnUrl);
        }

        var response = await browser.Client.PostAsync(form.Action, form.Content());

        Assert.True((int)response.StatusCode is 302 or 303, $"answered {(int)response.StatusCode}");
        var location = response.Headers.Location!.OriginalString;
        var asBrowsersReadIt = location.Replace("\t", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal).Replace('\\', '/');
        Assert.StartsWith("/", asBrowsersReadIt, StringComparison.Ordinal);
        Assert.False(asBrowsersReadIt.StartsWith("//", StringComparison.Ordinal), $"Location '{location}' leads to another site");
        Assert.DoesNotContain("evil.example", location, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Source", "OWASP CSRF Prevention Cheat Sheet (logout CSRF); OpenID Connect RP-Initiated Logout 1.0 §2 (ask the user without id_token_hint)")]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Cross_site_logout_without_antiforgery_or_id_token_hint_keeps_the_session(string method)
    {
        var alice = host.NewBrowser();
        await SignInAsync(alice, "alice", "Alice123");

        using var request = new HttpRequestMessage(new HttpMethod(method), "/ws/oauth2/logout");
        request.Headers.Referrer = new Uri("https://evil.example/page");
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([]);
            request.Headers.Add("Origin", "https://evil.example");
        }

        await alice.Client.SendAsync(request);
        var after = await alice.Client.GetAsync("/ws/oauth2/authorizations");

        Assert.True(after.StatusCode == HttpStatusCode.OK, $"a cross-site {method} ended the session ({(int)after.StatusCode} {after.Headers.Location})");
    }

    [Fact]
    [Trait("Source", "OpenID Connect RP-Initiated Logout 1.0 §3 (post_logout_redirect_uri must be registered); OWASP Unvalidated Redirects")]
    public async Task Logout_never_redirects_to_an_unregistered_post_logout_uri()
    {
        var alice = host.NewBrowser();
        await SignInAsync(alice, "alice", "Alice123");

        var response = await alice.Client.GetAsync("/ws/oauth2/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F&client_id=xyz-spa");

        Assert.DoesNotContain("evil.example", response.Headers.Location?.OriginalString ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Source", "OWASP Top 10 A01 (IDOR); OWASP Authorization Cheat Sheet (check ownership of every object)")]
    [InlineData("GET", "")]
    [InlineData("PUT", "")]
    [InlineData("POST", "/secret")]
    [InlineData("DELETE", "")]
    public async Task Developer_cannot_read_edit_rotate_or_delete_another_developers_client_through_the_api(string method, string suffix)
    {
        var carol = await host.CreateUserAsync("Carol12345", "Authenticated", "Client Developer");
        var (clientId, secret) = await host.RegisterClientAsync((carol, "Carol12345"), "confidential-web", ["client_credentials"], ["rest.read"]);
        var before = await host.DatabaseChecksumAsync();

        var response = await host.ApiAsync(new HttpMethod(method), $"/ws/oauth2/api/clients/{clientId}{suffix}", ("bob", "Bob12345"),
            method == "PUT" ? new { name = "Taken over", clientType = "confidential-web", grantTypes = new[] { "client_credentials" }, scopes = new[] { "rest.write" }, acceptTerms = true } : null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("Attack test app", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await host.DatabaseChecksumAsync());
        Assert.Equal(HttpStatusCode.OK, (await host.TokenAsync((clientId, secret!), ("grant_type", "client_credentials"), ("scope", "rest.read"))).Status);
    }

    [Theory]
    [Trait("Source", "OWASP Top 10 A01 (IDOR), with a valid antiforgery token of the attacker's own session")]
    [InlineData("")]
    [InlineData("/secret")]
    [InlineData("/delete")]
    public async Task Developer_cannot_edit_rotate_or_delete_another_developers_client_through_the_portal(string suffix)
    {
        var carol = await host.CreateUserAsync("Carol12345", "Authenticated", "Client Developer");
        var (clientId, secret) = await host.RegisterClientAsync((carol, "Carol12345"), "confidential-web", ["client_credentials"], ["rest.read"]);
        var bob = host.NewBrowser();
        await SignInAsync(bob, "bob", "Bob12345");
        var token = HtmlForm.Find(await bob.Client.GetStringAsync("/ws/oauth2/clients"), "/ws/oauth2/clients").Fields.Single(f => f.Key == AntiforgeryField).Value;
        var before = await host.DatabaseChecksumAsync();

        var response = await bob.Client.PostAsync($"/ws/oauth2/clients/{clientId}{suffix}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [AntiforgeryField] = token,
            ["name"] = "Taken over",
            ["clientType"] = "confidential-web",
            ["grantTypes"] = "client_credentials",
            ["scopes"] = "rest.write",
            ["acceptTerms"] = "true",
        }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, await host.DatabaseChecksumAsync());
        Assert.Equal(HttpStatusCode.OK, (await host.TokenAsync((clientId, secret!), ("grant_type", "client_credentials"), ("scope", "rest.read"))).Status);
    }

    [Fact]
    [Trait("Source", "OWASP Top 10 A01 (IDOR): an authorization is revoked only by its own user")]
    public async Task User_cannot_revoke_another_users_authorization()
    {
        var (clientId, secret) = await host.RegisterClientAsync(("bob", "Bob12345"), "confidential-web", ["password"], ["rest.read"]);
        var bobsToken = (string)(await host.PasswordTokensAsync("bob", "Bob12345", "rest.read", clientId, secret!))["access_token"]!;
        var alice = host.NewBrowser();
        await SignInAsync(alice, "alice", "Alice123");
        var page = await alice.Client.GetStringAsync("/ws/oauth2/authorizations");
        var token = System.Text.RegularExpressions.Regex.Match(page, $"name=\"{AntiforgeryField}\" value=\"([^\"]+)\"").Groups[1].Value;

        var api = await host.ApiAsync(HttpMethod.Delete, $"/ws/oauth2/api/authorizations/{clientId}", ("alice", "Alice123"));
        var form = await alice.Client.PostAsync($"/ws/oauth2/authorizations/{clientId}/revoke", new FormUrlEncodedContent([KeyValuePair.Create(AntiforgeryField, token)]));

        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.True((int)form.StatusCode is 302 or 303 or 404, $"answered {(int)form.StatusCode}");
        Assert.True(await host.IsActiveAsync(bobsToken, clientId, secret!));
    }

    [Theory]
    [Trait("Source", "RFC 9700 §2.1 and §4.1.3 (exact, no wildcard); RFC 6749 §3.1.2 (absolute, no fragment); RFC 8252 §7.1 (private-use schemes only in reverse-domain form); OWASP XSS")]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("https://*.example.com/callback")]
    [InlineData("https://app.example/callback#fragment")]
    [InlineData("https://app.example/callback#")]
    [InlineData("http://app.example/callback")]
    [InlineData("file:///etc/passwd")]
    public async Task Dangerous_redirect_uri_is_refused_at_registration(string redirectUri)
    {
        var before = await CountAsync("oauth2_application");

        var response = await host.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", ("bob", "Bob12345"), new
        {
            name = "Dangerous",
            clientType = "public-browser",
            grantTypes = new[] { "authorization_code" },
            scopes = new[] { "openid" },
            redirectUris = new[] { redirectUri },
            acceptTerms = true,
        });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_redirect_uri", (string?)body["error"]);
        Assert.Equal(before, await CountAsync("oauth2_application"));
    }

    [Theory]
    [Trait("Source", "OWASP HTML5 Security Cheat Sheet (CORS: never reflect an arbitrary Origin with credentials); Fetch standard §3.2")]
    [InlineData("/ws/oauth2/token", "https://evil.example")]
    [InlineData("/ws/oauth2/userinfo", "https://evil.example")]
    [InlineData("/ws/oauth2/api/clients", "null")]
    [InlineData("/ws/fhir/Patient", "https://evil.example")]
    [InlineData("/ws/rest/v1/person", "http://127.0.0.1.evil.example")]
    public async Task Cors_never_grants_an_arbitrary_origin_with_credentials(string path, string origin)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
        using var actual = new HttpRequestMessage(HttpMethod.Get, path);
        actual.Headers.Add("Origin", origin);
        actual.Headers.Add("Cookie", "x=1");

        foreach (var response in new[] { await host.Client.SendAsync(preflight), await host.Client.SendAsync(actual) })
        {
            var allowed = Values(response, "Access-Control-Allow-Origin").ToList();
            Assert.DoesNotContain(origin, allowed);
            Assert.DoesNotContain("*", allowed);
            Assert.DoesNotContain("true", Values(response, "Access-Control-Allow-Credentials"));
            Assert.True((int)response.StatusCode < 500, $"{path}: {(int)response.StatusCode}");
        }
    }

    private static IEnumerable<string> Values(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? values
        : response.Content.Headers.TryGetValues(header, out var contentValues) ? contentValues : [];

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) => Values(response, "Set-Cookie");

    private async Task<int> CountAsync(string table) => int.Parse((await host.ScalarAsync($"SELECT count(*) FROM {table}"))!, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task SignInAsync(Browser browser, string username, string password)
    {
        var page = await browser.Client.GetStringAsync("/ws/oauth2/authenticate_user");
        var form = HtmlForm.Find(page, "/ws/oauth2/authenticate_user").With("username", username).With("password", password);
        var response = await browser.Client.PostAsync(form.Action, form.Content());
        Assert.True((int)response.StatusCode is 302 or 303, $"sign-in of {username} answered {(int)response.StatusCode}");
    }
}
