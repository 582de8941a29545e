using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Security;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Security;

/// <summary>
/// The sdk's bearer-token filter on a module's route group, against a stand-in for the OAuth2 module's
/// <see cref="IOAuth2Service"/> (the real one arrives with the OAuth2 module). Users and privileges are real.
/// </summary>
public sealed class BearerTokenFilterTests : IAsyncLifetime
{
    private readonly TestFolder _folder = new();
    private EmrTestHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await EmrTestHost.StartAsync(
            _folder.Combine("data"),
            ModulesFileBuilder.Shipped().AddProbe().WriteTo(_folder),
            overrideServices: services => services.Replace(ServiceDescriptor.Scoped<IOAuth2Service, StandInOAuth2Service>()));
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task No_token_is_a_401_challenge_without_an_error_code()
    {
        var response = await _client.GetAsync("/ws/probe/secured/scoped");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"probe\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_refused_token_is_a_401_invalid_token_with_the_reason()
    {
        var response = await Get("/ws/probe/secured/scoped", "revoked");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_token", (string?)body["error"]);
        Assert.Equal("The access token has been revoked.", (string?)body["error_description"]);
    }

    [Fact]
    public async Task A_token_in_the_query_string_is_refused_as_an_invalid_request()
    {
        var response = await _client.GetAsync("/ws/probe/secured/scoped?access_token=good");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("RFC 6750", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_authorization_scheme_is_an_invalid_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws/probe/secured/scoped");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YWxpY2U6QWxpY2UxMjM=");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_token_without_the_scope_is_a_403_insufficient_scope_naming_it()
    {
        var response = await Get("/ws/probe/secured/scoped", "no-scope");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"probe.read\"", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_token_with_the_scope_passes_and_the_endpoint_sees_it()
    {
        var response = await Get("/ws/probe/secured/scoped", "alice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"xyz-emr\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_user_without_the_privilege_is_refused_and_one_with_it_passes()
    {
        var alice = await Get("/ws/probe/secured/privileged", "alice");
        Assert.Equal(HttpStatusCode.Forbidden, alice.StatusCode);
        Assert.Contains("lacks the privilege Probe Things", await alice.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var admin = await Get("/ws/probe/secured/privileged", "admin");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("\"admin\"", await admin.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/ws/probe/forgetful/scoped")]
    [InlineData("/ws/probe/forgetful/privileged")]
    [InlineData("/ws/probe/forgetful/request-delegate")]
    public async Task A_scope_or_privilege_declared_without_RequireBearerToken_still_needs_a_token(string path)
    {
        var anonymous = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.DoesNotContain("anyone", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("Bearer", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(path, "revoked")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync(path + "?access_token=admin")).StatusCode);
    }

    [Fact]
    public async Task A_scope_declared_without_RequireBearerToken_is_checked_like_any_other()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await Get("/ws/probe/forgetful/scoped", "no-scope")).StatusCode);
        var passed = await Get("/ws/probe/forgetful/scoped", "alice");
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Equal("\"xyz-emr\"", await passed.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Forbidden, (await Get("/ws/probe/forgetful/privileged", "alice")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get("/ws/probe/forgetful/privileged", "admin")).StatusCode);
    }

    [Fact]
    public async Task Every_challenge_header_is_ascii_even_when_the_description_is_not()
    {
        // RFC 6750 §3: error_description is limited to printable ASCII without '"' and '\\'; Kestrel
        // refuses anything else in a header and the request used to end in a 500.
        var response = await _client.GetAsync("/ws/probe/secured/scoped?access_token=good");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.All(challenge, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public async Task A_requirement_added_as_bare_metadata_stops_the_host_naming_the_endpoint()
    {
        using var folder = new TestFolder();
        var modules = ModulesFileBuilder.Shipped().AddProbe(settings: new { HandMadeScopeRequirement = true }).WriteTo(folder);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => EmrTestHost.BuildAsync(folder.Combine("data"), modules));

        Assert.Contains("module 'probe'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("/ws/probe/forgetful/hand-made", failure.Message, StringComparison.Ordinal);
        Assert.Contains("bearer-token filter", failure.Message, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> Get(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _client.SendAsync(request);
    }

    /// <summary>Answers for a handful of named tokens, with real user uuids from the demo accounts.</summary>
    private sealed class StandInOAuth2Service(IUserAccounts accounts) : IOAuth2Service
    {
        public async ValueTask<TokenValidationResult> ValidateTokenAsync(string accessToken, string? expectedClientId = null, CancellationToken cancellationToken = default)
        {
            switch (accessToken)
            {
                case "revoked":
                    return TokenValidationResult.Refused(TokenValidationFailure.Revoked, "The access token has been revoked.");
                case "alice" or "admin" or "no-scope":
                    var user = await accounts.FindByUsernameAsync(accessToken == "no-scope" ? "alice" : accessToken, cancellationToken);
                    return new TokenValidationResult
                    {
                        ClientId = "xyz-emr",
                        UserUuid = user!.Uuid,
                        Username = user.Username,
                        Scopes = accessToken == "no-scope" ? new HashSet<string> { "rest.read" } : new HashSet<string> { "probe.read" },
                        ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
                    };
                default:
                    return TokenValidationResult.Refused(TokenValidationFailure.Malformed, "The access token is malformed.");
            }
        }
    }
}
