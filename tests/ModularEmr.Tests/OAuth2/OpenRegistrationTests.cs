using System.Net;
using System.Text.Json.Nodes;

namespace ModularEmr.Tests.OAuth2;

/// <summary>An operator who opens dynamic registration (<c>DynamicRegistration: Open</c>): anyone registers, and the client belongs to no developer.</summary>
public sealed class OpenRegistrationTests
{
    [Fact]
    public async Task Open_registration_needs_no_token_but_refuses_a_bad_one_and_gives_the_client_to_no_developer()
    {
        await using var oauth = await OAuth2Harness.StartAsync(new { DynamicRegistration = "Open" });
        var metadata = new Dictionary<string, object>
        {
            ["client_name"] = "Walk-in app",
            ["redirect_uris"] = new[] { "https://walk-in.example/callback" },
            ["token_endpoint_auth_method"] = "none",
            ["scope"] = "openid patient/Patient.rs",
        };

        using var created = await oauth.DynamicRegistrationAsync(null, metadata);
        using var badToken = await oauth.DynamicRegistrationAsync("not-a-token-we-made", metadata);

        // An anonymous registration buys no access of its own: no secret, no keys, no system scopes.
        var confidential = new Dictionary<string, object>(metadata) { ["token_endpoint_auth_method"] = "client_secret_basic", ["grant_types"] = new[] { "client_credentials" }, ["scope"] = "system/Patient.cruds" };
        var withKeys = new Dictionary<string, object>(metadata) { ["token_endpoint_auth_method"] = "private_key_jwt" };
        var systemScope = new Dictionary<string, object>(metadata) { ["scope"] = "openid system/Patient.rs" };
        foreach (var refused in new[] { confidential, withKeys, systemScope })
        {
            using var response = await oauth.DynamicRegistrationAsync(null, refused);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_client_metadata", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
        }

        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        var clientId = (string)JsonNode.Parse(text)!["client_id"]!;
        Assert.Equal(HttpStatusCode.Unauthorized, badToken.StatusCode);

        using var asBob = await oauth.ApiAsync(HttpMethod.Get, $"/ws/oauth2/api/clients/{clientId}", ("bob", "Bob12345"));
        using var asAdmin = await oauth.ApiAsync(HttpMethod.Get, $"/ws/oauth2/api/clients/{clientId}", ("admin", "Admin123"));
        Assert.Equal(HttpStatusCode.NotFound, asBob.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.Null(JsonNode.Parse(await asAdmin.Content.ReadAsStringAsync())!["owner"]);
    }
}
