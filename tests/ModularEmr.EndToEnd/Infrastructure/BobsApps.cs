using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ModularEmr.EndToEnd.TestClient;

namespace ModularEmr.EndToEnd.Infrastructure;

/// <summary>Bob registering apps through the portal's JSON API, for stories where his portal visit is not the point.</summary>
internal static class BobsApps
{
    /// <summary>What Alice's stories ask for: her record (SMART patient context) and REST read and write.</summary>
    public const string PatientScope = "patient/Patient.rs launch/patient rest.read rest.write";

    /// <summary>A confidential web app (a secret; code flow with PKCE) whose callback is the test client's.</summary>
    public static Task<ClientRegistration> RegisterWebAppAsync(Uri emr, string name, TestClientApp client) =>
        RegisterAsync(emr, name, "confidential-web", [client.CallbackUri.AbsoluteUri], ["authorization_code", "refresh_token"], PatientScope);

    public static async Task<ClientRegistration> RegisterAsync(
        Uri emr, string name, string type, string[] redirectUris, string[] grants, string scope, string[]? allowedOrigins = null, Uri? launchUri = null)
    {
        var created = await SendAsync(emr, HttpMethod.Post, "/ws/oauth2/api/clients", Describe(name, type, redirectUris, grants, scope, allowedOrigins, launchUri));
        return new ClientRegistration((string)created["client"]!["clientId"]!, (string?)created["clientSecret"], scope);
    }

    /// <summary>
    /// A browser app on the implicit grant: the fragment extractor is its redirect URI, and the test
    /// client's callback its other one, where the extractor posts the token. The extractor's address
    /// names the client id, so it is added once the id is known.
    /// </summary>
    public static async Task<ClientRegistration> RegisterImplicitAppAsync(Uri emr, string name, TestClientApp client)
    {
        var created = await SendAsync(emr, HttpMethod.Post, "/ws/oauth2/api/clients", Describe(name, "public-browser", [client.CallbackUri.AbsoluteUri], ["implicit"], PatientScope));
        var clientId = (string)created["client"]!["clientId"]!;
        var extractor = new Uri(emr, $"/ws/oauth2/fragmentextractor.html?client_id={clientId}").AbsoluteUri;
        await SendAsync(emr, HttpMethod.Put, $"/ws/oauth2/api/clients/{clientId}", Describe(name, "public-browser", [client.CallbackUri.AbsoluteUri, extractor], ["implicit"], PatientScope));
        return new ClientRegistration(clientId, null, PatientScope);
    }

    private static object Describe(string name, string type, string[] redirectUris, string[] grants, string scope, string[]? allowedOrigins = null, Uri? launchUri = null) => new
    {
        allowedOrigins = allowedOrigins ?? [],
        launchUri = launchUri?.AbsoluteUri,
        name,
        description = "Bob's app in the end-to-end story",
        clientType = type,
        redirectUris,
        grantTypes = grants,
        scopes = scope.Split(' '),
        acceptTerms = true,
        acceptDiscouragedGrants = grants.Contains("implicit"),
    };

    private static async Task<JsonNode> SendAsync(Uri emr, HttpMethod method, string path, object body)
    {
        using var http = new HttpClient { BaseAddress = emr };
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{EndToEndFixture.Developer}:{EndToEndFixture.DeveloperPassword}")));
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"Bob could not {method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
