using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModularEmr.Sdk.Security;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.OAuth2;

/// <summary>The real host with the shipped modules and the probe (a resource scope and a protected endpoint), on an adjustable clock.</summary>
internal sealed class OAuth2Harness : IAsyncDisposable
{
    public const string Redirect = "http://127.0.0.1:5173/callback";
    public const string Confidential = "xyz-emr";
    public const string ConfidentialSecret = "xyz-emr-secret";
    public const string Public = "xyz-spa";

    private readonly TestFolder _folder;

    private OAuth2Harness(TestFolder folder, EmrTestHost host, AdjustableClock clock)
    {
        _folder = folder;
        Host = host;
        Clock = clock;
        Client = host.CreateClient();
    }

    public EmrTestHost Host { get; }

    public AdjustableClock Clock { get; }

    public HttpClient Client { get; }

    public static Task<OAuth2Harness> StartAsync(object? settings = null, params string[] extraArgs) =>
        StartWithAsync(settings, modules => modules.AddProbe(), extraArgs);

    /// <summary>The shipped modules plus what <paramref name="addModules"/> lists.</summary>
    public static async Task<OAuth2Harness> StartWithAsync(object? settings, Action<ModulesFileBuilder> addModules, params string[] extraArgs)
    {
        var folder = new TestFolder();
        var clock = new AdjustableClock();
        var builder = new ModulesFileBuilder()
            .Add("oauth2", Repository.ModuleFolder("modules/OAuth2"), settings: settings)
            .Add("fhir", Repository.ModuleFolder("modules/Fhir"))
            .Add("rest", Repository.ModuleFolder("modules/Rest"));
        addModules(builder);
        var modules = builder.WriteTo(folder);
        var host = await EmrTestHost.StartAsync(
            folder.Combine("data"), modules,
            overrideServices: services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)),
            extraArgs: extraArgs);
        return new OAuth2Harness(folder, host, clock);
    }

    public Browser NewBrowser()
    {
        var (client, cookies) = Host.CreateBrowser();
        return new Browser(client, cookies);
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> TokenAsync((string Id, string Secret)? basic, params (string Key, string Value)[] form) =>
        await PostFormAsync("/ws/oauth2/token", basic, form);

    /// <summary>The token endpoint's whole response, headers included.</summary>
    public Task<HttpResponseMessage> TokenResponseAsync((string Id, string Secret)? basic, params (string Key, string Value)[] form) =>
        PostFormResponseAsync("/ws/oauth2/token", basic, form);

    public async Task<HttpResponseMessage> PostFormResponseAsync(string path, (string Id, string Secret)? basic, params (string Key, string Value)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))) };
        if (basic is { } credentials)
        {
            request.Headers.Authorization = BasicHeader(credentials.Id, credentials.Secret);
        }

        return await Client.SendAsync(request);
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> PostFormAsync(string path, (string Id, string Secret)? basic, params (string Key, string Value)[] form)
    {
        using var response = await PostFormResponseAsync(path, basic, form);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>A token for Alice from the confidential demo client through the password grant.</summary>
    public async Task<JsonObject> PasswordTokenAsync(string scope = "probe.read offline_access", string username = "alice", string password = "Alice123")
    {
        var (status, body) = await TokenAsync((Confidential, ConfidentialSecret), ("grant_type", "password"), ("username", username), ("password", password), ("scope", scope));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    public async Task<TokenValidationResult> ValidateAsync(string token, string? expectedClient = null)
    {
        await using var scope = Host.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IOAuth2Service>().ValidateTokenAsync(token, expectedClient);
    }

    public async Task<HttpResponseMessage> ApiAsync(HttpMethod method, string path, (string User, string Password)? basic, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (basic is { } credentials)
        {
            request.Headers.Authorization = BasicHeader(credentials.User, credentials.Password);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>An RFC 7591 initial access token made with <c>clients initial-token</c>: the last line the CLI prints.</summary>
    public async Task<string> InitialAccessTokenAsync(string developer, int uses = 1)
    {
        var (exit, output, error) = await Host.RunCliAsync("clients", "initial-token", "--developer", developer, "--uses", uses.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 0, error);
        return output.TrimEnd().Split('\n')[^1].Trim();
    }

    /// <summary>A dynamic registration (RFC 7591) with <paramref name="initialToken"/>, if any.</summary>
    public async Task<HttpResponseMessage> DynamicRegistrationAsync(string? initialToken, object metadata, HttpMethod? method = null, string path = "/ws/oauth2/register")
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, path) { Content = JsonContent.Create(metadata) };
        if (initialToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", initialToken);
        }

        return await Client.SendAsync(request);
    }

    public static AuthenticationHeaderValue BasicHeader(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}")));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>A browser session: cookies kept, redirects not followed, forms submitted as a person would.</summary>
internal sealed class Browser(HttpClient client, CookieHandler cookies)
{
    public HttpClient Client { get; } = client;

    public CookieHandler Cookies { get; } = cookies;

    public static string AuthorizeUrl(string clientId, string scope, Pkce? pkce, string responseType = "code", string redirectUri = OAuth2Harness.Redirect, string state = "state-123", string? extra = null) =>
        "/ws/oauth2/authorize?" + string.Join('&', new[]
        {
            $"response_type={Uri.EscapeDataString(responseType)}", $"client_id={Uri.EscapeDataString(clientId)}",
            $"redirect_uri={Uri.EscapeDataString(redirectUri)}", $"scope={Uri.EscapeDataString(scope)}", $"state={state}",
            pkce is null ? null : $"code_challenge={pkce.Challenge}&code_challenge_method=S256",
            responseType.Contains("token", StringComparison.Ordinal) || scope.Contains("openid", StringComparison.Ordinal) ? "nonce=n-0S6_WzA2Mj" : null,
            extra,
        }.Where(p => p is not null));

    public Task<HttpResponseMessage> GetAsync(string url) => Client.GetAsync(url);

    public async Task SignInAsync(string username, string password)
    {
        var page = await Client.GetStringAsync("/ws/oauth2/authenticate_user");
        var form = HtmlForm.Find(page, "/ws/oauth2/authenticate_user").With("username", username).With("password", password);
        var response = await Client.PostAsync(form.Action, form.Content());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>Follows an authorization request through sign-in to the consent page; returns that page's HTML.</summary>
    public async Task<string> ReachConsentAsync(string authorizeUrl, string username = "alice", string password = "Alice123")
    {
        var response = await Client.GetAsync(authorizeUrl);
        if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.StartsWith("/ws/oauth2/authenticate_user", StringComparison.Ordinal))
        {
            var login = await Client.GetStringAsync(response.Headers.Location);
            var form = HtmlForm.Find(login, "/ws/oauth2/authenticate_user").With("username", username).With("password", password);
            var signedIn = await Client.PostAsync(form.Action, form.Content());
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            response = await Client.GetAsync(signedIn.Headers.Location);
        }

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected the consent page, got {(int)response.StatusCode} {response.Headers.Location}");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Submits the consent decision; returns where the server sends the browser.</summary>
    public async Task<Uri> DecideAsync(string consentPage, bool approve, bool remember = true)
    {
        var form = HtmlForm.Find(consentPage, "/ws/oauth2/authorize").With("consent_decision", approve ? "approve" : "deny");
        if (remember)
        {
            form = form.With("consent_remember", "true");
        }

        var response = await Client.PostAsync(form.Action, form.Content());
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"expected a redirect, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!;
    }

    /// <summary>The whole code flow up to the client's callback; returns the callback's parameters.</summary>
    public async Task<Dictionary<string, string>> CodeFlowAsync(string clientId, string scope, Pkce? pkce, string username = "alice", string password = "Alice123")
    {
        var consent = await ReachConsentAsync(AuthorizeUrl(clientId, scope, pkce), username, password);
        return Parameters(await DecideAsync(consent, approve: true));
    }

    public static Dictionary<string, string> Parameters(Uri callback)
    {
        var text = callback.Fragment.Length > 1 ? callback.Fragment[1..] : callback.Query.TrimStart('?');
        return text.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : string.Empty));
    }
}
