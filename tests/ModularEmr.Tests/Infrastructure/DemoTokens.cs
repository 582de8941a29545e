using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>Tokens from a host's demo data, for tests that start a host without the OAuth2 harness.</summary>
internal static class DemoTokens
{
    /// <summary>An access token for <c>admin</c> from the demo client <c>xyz-emr</c> (password grant).</summary>
    public static async Task<string> AdminAsync(HttpClient client, string scope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "password"), new("username", "admin"), new("password", "Admin123"), new("scope", scope)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("xyz-emr:xyz-emr-secret"u8.ToArray()));
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return (string)JsonNode.Parse(body)!["access_token"]!;
    }
}
