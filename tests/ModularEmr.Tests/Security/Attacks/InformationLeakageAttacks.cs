using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Security.Attacks;

/// <summary>
/// What an attacker learns from answers: whether an account exists, key material, stack traces and SQL,
/// a spoofed Host reflected as the issuer, and non-ASCII challenges that crash the response.
/// </summary>
[Collection(AttackHostGroup.Name)]
public sealed partial class InformationLeakageAttacks(AttackHost host)
{
    private static readonly string[] Leaks =
    [
        "at ModularEmr", "   at ", "Exception", "StackTrace", "SELECT ", "INSERT ", "sqlite", "SQLite", "Microsoft.EntityFrameworkCore",
        "Microsoft.Data.Sqlite", "System.", "/work/", ".cs:line",
    ];

    [Theory]
    [Trait("Source", "OWASP Authentication Cheat Sheet (generic error messages); OWASP WSTG-IDNT-04 (account enumeration)")]
    [InlineData("an unknown user")]
    [InlineData("a locked account with its right password")]
    [InlineData("a Cyrillic look-alike of the user")]
    public async Task Password_grant_answers_a_wrong_password_and_other_failures_identically(string failure)
    {
        var username = await host.CreateUserAsync("Right12345");
        var (wrongStatus, wrongBody, wrongResponse) = await PasswordAsync(username, "Wrong12345");
        string attempt = username, password = "Right12345";
        switch (failure)
        {
            case "an unknown user":
                attempt = "nobody-" + Guid.NewGuid().ToString("N")[..8];
                password = "Wrong12345";
                break;
            case "a locked account with its right password":
                for (var i = 0; i < 7; i++)
                {
                    await PasswordAsync(username, $"Wrong{i}");
                }

                break;
            case "a Cyrillic look-alike of the user":
                attempt = TokenEndpointAttacks.Respell(username, "Cyrillic look-alike");
                break;
        }

        var (status, body, response) = await PasswordAsync(attempt, password);

        Assert.Equal(HttpStatusCode.BadRequest, wrongStatus);
        Assert.Equal(wrongStatus, status);
        Assert.Equal(wrongBody.ToJsonString(), body.ToJsonString());
        Assert.Equal(HeaderNames(wrongResponse), HeaderNames(response));
    }

    [Theory]
    [Trait("Source", "OWASP Authentication Cheat Sheet (generic error messages); OpenMRS (one message for every failure)")]
    [InlineData("an unknown user")]
    [InlineData("a locked account with its right password")]
    public async Task Login_page_answers_a_wrong_password_and_other_failures_identically(string failure)
    {
        var username = await host.CreateUserAsync("Right12345");
        var wrong = await SignInPageAsync(username, "Wrong12345");
        if (failure == "a locked account with its right password")
        {
            for (var i = 0; i < 7; i++)
            {
                await SignInPageAsync(username, $"Wrong{i}");
            }
        }

        var other = failure == "an unknown user" ? await SignInPageAsync("nobody-" + Guid.NewGuid().ToString("N")[..8], "Wrong12345") : await SignInPageAsync(username, "Right12345");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal(wrong.Status, other.Status);
        Assert.Equal(wrong.Body, other.Body);
        Assert.Contains(Pages.LoginFailure, wrong.Body, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Source", "OWASP Authentication Cheat Sheet (generic error messages) for HTTP Basic on the JSON APIs")]
    public async Task Basic_authentication_answers_an_unknown_user_and_a_wrong_password_identically()
    {
        var username = await host.CreateUserAsync("Right12345", "Authenticated", "Client Developer");

        var wrong = await host.ApiAsync(HttpMethod.Get, "/ws/oauth2/api/clients", (username, "Wrong12345"));
        var unknown = await host.ApiAsync(HttpMethod.Get, "/ws/oauth2/api/clients", ("nobody-" + Guid.NewGuid().ToString("N")[..8], "Wrong12345"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        Assert.Equal(wrong.Headers.WwwAuthenticate.ToString(), unknown.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    [Trait("Source", "RFC 7517 §4 and RFC 7518 §6.2.2, §6.3.2, §6.4 (private and symmetric key members must not be published)")]
    public async Task Jwks_publishes_no_private_or_symmetric_key_material()
    {
        var discovery = JsonNode.Parse(await host.Client.GetStringAsync("/.well-known/openid-configuration"))!;
        var text = await host.Client.GetStringAsync((string)discovery["jwks_uri"]!);
        var keys = JsonNode.Parse(text)!["keys"]!.AsArray();

        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi", "oth", "k" })
            {
                Assert.Null(key![secret]);
            }

            Assert.NotEqual("oct", (string?)key!["kty"]);
        }

        Assert.DoesNotContain("PRIVATE", text, StringComparison.Ordinal);
        foreach (var file in new[] { "token-signing.key", "token-encryption.key", "access-token-encryption.key" })
        {
            var material = Pkce.Base64Url(Convert.FromBase64String(File.ReadAllText(Path.Combine(host.DataDirectory, "keys", "oauth2", file))));
            Assert.DoesNotContain(material, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [Trait("Source", "OWASP Error Handling Cheat Sheet; OWASP Top 10 A05 (no stack traces or SQL in answers); CWE-209")]
    [InlineData("POST", "/ws/rest/v1/person/{alice}/name", "application/json", "{\"givenName\": ")]
    [InlineData("POST", "/ws/rest/v1/person/{alice}/name", "application/json", "{\"givenName\": {\"$gt\": \"\"}}")]
    [InlineData("POST", "/ws/rest/v1/patient", "application/json", "{\"person\": {\"birthdate\": \"9999-99-99'; DROP TABLE person;--\"}}")]
    [InlineData("GET", "/ws/rest/v1/person?q=%27%20OR%201%3D1--&limit=abc", null, null)]
    [InlineData("GET", "/ws/rest/v1/patient?identifier=%27%3B%20SELECT%20*%20FROM%20users--&startIndex=-5", null, null)]
    [InlineData("GET", "/ws/rest/v1/person/%27%20OR%20%271%27%3D%271", null, null)]
    [InlineData("POST", "/ws/fhir/Patient", "application/fhir+json", "{\"resourceType\":\"Patient\",\"birthDate\":\"1985-13-45\",\"name\":")]
    [InlineData("POST", "/ws/fhir/Patient", "application/fhir+xml", "<Patient xmlns=\"http://hl7.org/fhir\"><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><name><family value=\"&e;\"/></name></Patient>")]
    [InlineData("GET", "/ws/fhir/Patient?birthdate=gt1985-99-99&_count=-1&name=%27%20OR%201%3D1--", null, null)]
    [InlineData("GET", "/ws/fhir/Patient?_count=99999999999999999999", null, null)]
    [InlineData("POST", "/ws/oauth2/api/clients", "application/json", "{\"name\": [1,2,3], \"redirectUris\": \"x\"}")]
    [InlineData("POST", "/ws/oauth2/token", "application/x-www-form-urlencoded", "grant_type=password&username=%00%27--&password=%E0%80%80&scope=%FF")]
    [InlineData("GET", "/ws/oauth2/authorize?client_id=%27--&response_type=code&redirect_uri=%00", null, null)]
    [InlineData("GET", "/ws/oauth2/fragmentextractor.html?client_id=%27%20OR%201%3D1--", null, null)]
    [InlineData("GET", "/ws/fhir/Patient/%01%02?_format=xml", null, null)]
    [InlineData("GET", "/ws/fhir/Unknown%1F?_format=application/fhir%2Bxml", null, null)]
    [InlineData("POST", "/ws/oauth2/logout", "application/fhir+xml", "<x/>")]
    [InlineData("POST", "/ws/oauth2/authenticate_user", "application/x-www-form-urlencoded", "username=%00&password=x")]
    [InlineData("POST", "/ws/oauth2/authorize", "application/x-www-form-urlencoded", "client_id=xyz-spa&state=%00")]
    [InlineData("POST", "/ws/rest/v1/person/{alice}/name", "multipart/form-data; boundary=x", "--x\r\ngarbage")]
    [InlineData("POST", "/ws/rest/v1/person/{alice}/name", "application/x-www-form-urlencoded", "givenName=%00")]
    public async Task Error_bodies_carry_no_stack_trace_or_sql(string method, string path, string? contentType, string? body)
    {
        var token = await host.AdminTokenAsync("rest.read rest.write user/Patient.cruds");
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{alice}", AttackHost.AlicePatient, StringComparison.Ordinal));
        request.Headers.Authorization = path.StartsWith("/ws/oauth2/api", StringComparison.Ordinal)
            ? OAuth2Harness.BasicHeader("bob", "Bob12345")
            : path.StartsWith("/ws/oauth2/token", StringComparison.Ordinal) ? OAuth2Harness.BasicHeader(AttackHost.Confidential, AttackHost.ConfidentialSecret) : new("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType!);
        }

        var response = await host.FromFreshAddress().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode < 500, $"{method} {path}: {(int)response.StatusCode} {text}");
        foreach (var leak in Leaks)
        {
            Assert.False(text.Contains(leak, StringComparison.Ordinal), $"{method} {path} answered with '{leak}': {text}");
        }

        Assert.DoesNotContain("root:", text, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Source", "OWASP Denial of Service Cheat Sheet (input limits); RFC 6749 §5.2 and RFC 7662 §2.3 (errors as JSON, invalid_request for a malformed request)")]
    [InlineData("/ws/oauth2/token", "grant_type=client_credentials&{big}=1", "invalid_request")]
    [InlineData("/ws/oauth2/token", "grant_type=client_credentials&scope=%00", "invalid_request")]
    [InlineData("/ws/oauth2/introspect", "{big}=1", "invalid_request")]
    [InlineData("/ws/oauth2/introspect", "token=%00", "invalid_request")]
    [InlineData("/ws/oauth2/token", "grant_type=client_credentials&scope={big}", null)]
    [InlineData("/ws/oauth2/token", "grant_type=password&username=alice&password={big}", "invalid_grant")]
    public async Task Oversized_or_malformed_form_field_is_a_400_json_error_not_a_server_error(string path, string form, string? error)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(form.Replace("{big}", new string('A', 100_000), StringComparison.Ordinal), Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = OAuth2Harness.BasicHeader(AttackHost.Confidential, AttackHost.ConfidentialSecret);

        var response = await host.FromFreshAddress().SendAsync(request);
        var body = await AttackHost.JsonBodyAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((string?)body["error"]);
        if (error is not null)
        {
            Assert.Equal(error, (string?)body["error"]);
        }

        Assert.Null(body["access_token"]);
    }

    [Fact]
    [Trait("Source", "OWASP WSTG-INPV-17 (Host header injection); RFC 8414 §3.3 and OpenID Connect Discovery §4.3 (the issuer is exact)")]
    public async Task Spoofed_host_header_is_refused_and_never_becomes_the_issuer()
    {
        var spoofed = await host.RawAsync("GET", "/.well-known/openid-configuration", ["Host: evil.test"]);
        var forwarded = await host.RawAsync("GET", "/.well-known/openid-configuration", ["X-Forwarded-Host: evil.test", "X-Forwarded-Proto: https"]);
        var discovery = JsonNode.Parse(await host.Client.GetStringAsync("/.well-known/openid-configuration"))!;

        Assert.Equal(400, spoofed.Status);
        Assert.DoesNotContain("evil.test", spoofed.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.test", forwarded.Body, StringComparison.Ordinal);
        Assert.Equal(host.Origin + "/", (string?)discovery["issuer"]);
    }

    [Theory]
    [Trait("Source", "RFC 9110 §5.5 (field values: Kestrel refuses non-ASCII and fails the response); RFC 6750 §3")]
    [InlineData("/ws/fhir/Patient/" + AttackHost.AlicePatient, null)]
    [InlineData("/ws/fhir/Patient/" + AttackHost.AlicePatient, "Bearer not-a-token")]
    [InlineData("/ws/fhir/Patient/" + AttackHost.AlicePatient, "Basic YWxpY2U6QWxpY2UxMjM=")]
    [InlineData("/ws/fhir/Patient/" + AttackHost.AlicePatient + "?access_token=x", null)]
    [InlineData("/ws/rest/v1/person/" + AttackHost.AlicePatient, "Bearer not-a-token")]
    [InlineData("/ws/rest/v1/person/" + AttackHost.AlicePatient + "?access_token=x", null)]
    [InlineData("/ws/rest/v1/person/" + AttackHost.BobPerson, "{alice}")]
    [InlineData("/ws/oauth2/userinfo", "Bearer not-a-token")]
    public async Task Every_challenge_is_ascii_and_the_refusal_is_never_a_server_error(string path, string? authorization)
    {
        if (authorization == "{alice}")
        {
            authorization = "Bearer " + await host.AliceTokenAsync("rest.read");
        }

        var response = await host.RawAsync("GET", path, authorization is null ? [] : [$"Authorization: {authorization}"]);

        Assert.True(response.Status is 400 or 401 or 403, $"{path}: {response.Status}");
        var challenge = response.Header("WWW-Authenticate");
        Assert.NotNull(challenge);
        Assert.True(challenge.All(c => c is >= ' ' and <= '~'), challenge);
        Assert.DoesNotContain("not-a-token", response.Body, StringComparison.Ordinal);
    }

    private Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> PasswordAsync(string username, string password) =>
        host.TokenAsync((AttackHost.Confidential, AttackHost.ConfidentialSecret), ("grant_type", "password"), ("username", username), ("password", password), ("scope", "rest.read"));

    private static string HeaderNames(HttpResponseMessage response) =>
        string.Join(",", response.Headers.Select(h => h.Key).Where(h => h is not "Date").Order(StringComparer.Ordinal));

    /// <summary>The login page after a failed sign-in, with the per-request antiforgery value blanked.</summary>
    private async Task<(HttpStatusCode Status, string Body)> SignInPageAsync(string username, string password)
    {
        var browser = host.NewBrowser();
        var page = await browser.Client.GetStringAsync("/ws/oauth2/authenticate_user");
        var form = HtmlForm.Find(page, "/ws/oauth2/authenticate_user").With("username", username).With("password", password);
        var response = await browser.Client.PostAsync(form.Action, form.Content());
        var body = AntiforgeryValue().Replace(await response.Content.ReadAsStringAsync(), "value=\"*\"");
        return (response.StatusCode, body);
    }

    [GeneratedRegex("value=\"CfDJ8[^\"]*\"")]
    private static partial Regex AntiforgeryValue();

    private static class Pages
    {
        public const string LoginFailure = "Invalid username or password. Please try again.";
    }
}
