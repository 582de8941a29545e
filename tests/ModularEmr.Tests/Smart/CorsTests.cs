using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Smart;

/// <summary>
/// CORS for browser apps: the endpoints a SMART browser app calls answer the origins clients registered,
/// without credentials; pages, the authorization endpoint and cookie APIs never do; a foreign origin
/// gets no CORS headers anywhere. The browser's side of it is in the end-to-end suite.
/// </summary>
public sealed class CorsTests(SharedHarness shared) : IClassFixture<SharedHarness>
{
    private const string AppOrigin = "http://127.0.0.1:5173";
    private const string Foreign = "https://evil.example";

    private readonly OAuth2Harness _oauth = shared.OAuth;

    public static TheoryData<string, string> OpenEndpoints => new()
    {
        { "GET", "/.well-known/openid-configuration" },
        { "GET", "/.well-known/jwks" },
        { "GET", "/ws/fhir/.well-known/smart-configuration" },
        { "GET", "/ws/fhir/metadata" },
        { "GET", "/ws/oauth2/smart-style.json" },
        { "GET", "/ws/fhir/Patient?_count=1" },
        { "POST", "/ws/oauth2/token" },
        { "GET", "/ws/oauth2/userinfo" },
    };

    [Theory]
    [MemberData(nameof(OpenEndpoints))]
    public async Task The_endpoints_of_a_browser_app_answer_a_registered_origin_and_its_preflight(string method, string path)
    {
        using var preflight = await SendAsync(HttpMethod.Options, path, AppOrigin, r =>
        {
            r.Headers.Add("Access-Control-Request-Method", method);
            r.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
        });
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(AppOrigin, Single(preflight, "Access-Control-Allow-Origin"));
        Assert.Contains(method, Single(preflight, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("authorization", Single(preflight, "Access-Control-Allow-Headers")!.ToLowerInvariant(), StringComparison.Ordinal);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"));

        using var actual = await SendAsync(new HttpMethod(method), path, AppOrigin);
        Assert.Equal(AppOrigin, Single(actual, "Access-Control-Allow-Origin"));
        Assert.False(actual.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [MemberData(nameof(OpenEndpoints))]
    public async Task A_foreign_origin_gets_no_cors_headers(string method, string path)
    {
        using var preflight = await SendAsync(HttpMethod.Options, path, Foreign, r => r.Headers.Add("Access-Control-Request-Method", method));
        using var actual = await SendAsync(new HttpMethod(method), path, Foreign);

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(actual.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("/ws/oauth2/authorize?client_id=xyz-spa&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A5173%2Fcallback&scope=openid")]
    [InlineData("/ws/oauth2/authenticate_user")]
    [InlineData("/ws/oauth2/clients")]
    [InlineData("/ws/oauth2/authorizations")]
    [InlineData("/ws/oauth2/api/clients")]
    [InlineData("/ws/oauth2/introspect")]
    [InlineData("/ws/rest/v1/person?q=Smith")]
    public async Task Pages_the_authorization_endpoint_and_cookie_apis_never_answer_another_origin(string path)
    {
        using var preflight = await SendAsync(HttpMethod.Options, path, AppOrigin, r => r.Headers.Add("Access-Control-Request-Method", "POST"));
        using var actual = await SendAsync(HttpMethod.Get, path, AppOrigin);

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"), path);
        Assert.False(actual.Headers.Contains("Access-Control-Allow-Origin"), path);
    }

    [Fact]
    public async Task An_origin_a_developer_registers_is_answered_at_once_and_stops_being_answered_when_removed()
    {
        const string origin = "https://bobs-app.example";
        var bob = ("bob", "Bob12345");
        using var before = await SendAsync(HttpMethod.Get, "/ws/fhir/metadata", origin);
        Assert.False(before.Headers.Contains("Access-Control-Allow-Origin"));

        var app = new
        {
            name = "Bob's browser app",
            clientType = "public-browser",
            grantTypes = new[] { "authorization_code" },
            redirectUris = new[] { "https://bobs-app.example/callback" },
            scopes = new[] { "patient/Patient.rs" },
            allowedOrigins = new[] { origin + "/" },
            acceptTerms = true,
        };
        using var registered = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", bob, app);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var client = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["client"]!;
        Assert.Equal([origin], client["allowedOrigins"]!.AsArray().Select(o => (string)o!));

        using var during = await SendAsync(HttpMethod.Get, "/ws/fhir/metadata", origin);
        Assert.Equal(origin, Single(during, "Access-Control-Allow-Origin"));

        using var edited = await _oauth.ApiAsync(HttpMethod.Put, $"/ws/oauth2/api/clients/{(string)client["clientId"]!}", bob, app with { allowedOrigins = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        using var after = await SendAsync(HttpMethod.Get, "/ws/fhir/metadata", origin);
        Assert.False(after.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("http://bobs-app.example")]
    [InlineData("https://bobs-app.example/path")]
    [InlineData("https://bobs-app.example?x=1")]
    [InlineData("*")]
    [InlineData("null")]
    public async Task Registration_refuses_what_is_not_an_https_or_loopback_origin(string origin)
    {
        var app = new
        {
            name = "Bob's browser app",
            clientType = "public-browser",
            grantTypes = new[] { "authorization_code" },
            redirectUris = new[] { "https://bobs-app.example/callback" },
            allowedOrigins = new[] { origin },
            acceptTerms = true,
        };

        using var response = await _oauth.ApiAsync(HttpMethod.Post, "/ws/oauth2/api/clients", ("bob", "Bob12345"), app);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client_metadata", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string origin, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", origin);
        if (method == HttpMethod.Post)
        {
            request.Content = new FormUrlEncodedContent([KeyValuePair.Create("grant_type", "client_credentials")]);
        }

        adjust?.Invoke(request);
        return await _oauth.Client.SendAsync(request);
    }

    private static string? Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? string.Join(",", values) : null;
}
