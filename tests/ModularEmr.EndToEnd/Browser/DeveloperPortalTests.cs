using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using ModularEmr.EndToEnd.Infrastructure;

namespace ModularEmr.EndToEnd.Browser;

/// <summary>Bob, whom the admin created through the CLI, manages his apps in the developer portal.</summary>
[Collection(SharedHost.Name)]
public sealed class DeveloperPortalTests(EndToEndFixture fixture)
{
    [ChromiumFact]
    public Task Bob_registers_an_app_sees_its_secret_once_edits_it_rotates_the_secret_and_deletes_another() =>
        BrowserStory.RunAsync(fixture, async story =>
        {
            var bob = await story.NewPersonAsync(fixture.BaseAddress);
            await bob.OpenAsync("/ws/oauth2/clients", "portal");
            await bob.SignInAsync(EndToEndFixture.Developer, EndToEndFixture.DeveloperPassword);
            Assert.Equal("Your OAuth2 apps", await bob.TextAsync("h1"));

            var (clientId, secret) = await RegisterAsync(story, bob, "Bob's chart viewer", "confidential-web", grant: "client_credentials", scope: "system/Patient.rs");
            Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync(clientId, secret!));

            await bob.ClickToNextPageAsync(bob.Page.GetByRole(AriaRole.Link, new() { Name = "Continue" }), "edit-page");
            Assert.DoesNotContain(secret!, await bob.Page.ContentAsync(), StringComparison.Ordinal);

            await bob.Page.FillAsync("#name", "Bob's chart viewer (renamed)");
            await bob.Page.FillAsync("#description", "Shows a patient's chart");
            await bob.ClickToNextPageAsync(bob.Page.GetByRole(AriaRole.Button, new() { Name = "Save" }), "edited");
            Assert.Equal("Bob's chart viewer (renamed)", await bob.TextAsync("h1"));
            Assert.Equal("Shows a patient's chart", await bob.Page.InputValueAsync("#description"));

            await bob.ClickToNextPageAsync("#rotate", "rotated");
            var rotated = await bob.TextAsync("#client-secret");
            Assert.NotEqual(secret, rotated);
            Assert.Equal(HttpStatusCode.Unauthorized, await ClientCredentialsAsync(clientId, secret!));
            Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync(clientId, rotated));

            var (scratchId, noSecret) = await RegisterAsync(story, bob, "Bob's scratch app", "public-browser", grant: null, scope: "patient/Patient.rs");
            Assert.Null(noSecret);
            await bob.OpenAsync($"/ws/oauth2/clients/{scratchId}", "scratch-app");
            await bob.ClickToNextPageAsync("#delete", "after-delete");
            var list = await bob.TextAsync("#clients");
            Assert.Contains("Bob's chart viewer (renamed)", list, StringComparison.Ordinal);
            Assert.DoesNotContain(scratchId, list, StringComparison.Ordinal);
        });

    /// <summary>Fills the portal's registration form on the list page; returns the client id and the secret the page shows once.</summary>
    private static async Task<(string ClientId, string? Secret)> RegisterAsync(BrowserStory story, Person bob, string name, string type, string? grant, string scope)
    {
        await bob.OpenAsync("/ws/oauth2/clients", "apps");
        var page = bob.Page;
        await page.FillAsync("#name", name);
        await page.SelectOptionAsync("#clientType", type);
        await page.FillAsync("#redirectUris", "http://127.0.0.1:5173/callback");
        if (grant is not null)
        {
            await page.CheckAsync($"input[name=grantTypes][value={grant}]");
        }

        await page.CheckAsync($"input[name=scopes][value='{scope}']");
        await page.CheckAsync("input[name=acceptTerms]");
        await story.ShotAsync(page, "registration-form");
        await bob.ClickToNextPageAsync(page.GetByRole(AriaRole.Button, new() { Name = "Register" }), "registered");
        if (await page.Locator("#client-id").CountAsync() == 0)
        {
            throw new Xunit.Sdk.XunitException($"The portal did not register '{name}': {await bob.DescribeAsync()}");
        }

        var secret = await page.Locator("#client-secret").CountAsync() == 0 ? null : await bob.TextAsync("#client-secret");
        return (await bob.TextAsync("#client-id"), secret);
    }

    /// <summary>The secret at work: a client-credentials token request.</summary>
    private async Task<HttpStatusCode> ClientCredentialsAsync(string clientId, string secret)
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "system/Patient.rs")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return (await http.SendAsync(request)).StatusCode;
    }
}
