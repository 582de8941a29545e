using System.Net;
using System.Text.RegularExpressions;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Hosting;

/// <summary>The page a person meets opening the server in a browser: <c>/</c>, built from the links the modules register.</summary>
public sealed partial class HomePageTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task A_visitor_not_signed_in_is_offered_sign_in_the_fhir_and_rest_documents_and_the_modules_and_every_link_answers()
    {
        var response = await _oauth.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("You are not signed in.", html, StringComparison.Ordinal);
        var links = Links(html);
        Assert.Equal(
            ["/ws/fhir/metadata", "/ws/oauth2/authenticate_user?returnUrl=%2F", "/ws/rest/v1/openapi/rest.json"],
            links.Order(StringComparer.Ordinal));
        foreach (var module in new[] { "OAuth2", "FHIR", "REST" })
        {
            Assert.Matches($"<td>[^<]*{module}[^<]*</td>", html);
        }

        // Administrators alone see module states and the database.
        Assert.DoesNotContain("id=\"database\"", html, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        foreach (var link in links)
        {
            Assert.Equal(HttpStatusCode.OK, (await _oauth.Client.GetAsync(link)).StatusCode);
        }
    }

    [Theory]
    [InlineData("alice", "Alice123", false, false)]
    [InlineData("bob", "Bob12345", true, false)]
    [InlineData("admin", "Admin123", true, true)]
    public async Task A_signed_in_user_sees_the_links_of_their_roles_and_an_administrator_the_server(string user, string password, bool developer, bool administrator)
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync(user, password);

        var html = await (await browser.GetAsync("/")).Content.ReadAsStringAsync();

        Assert.Contains($"Signed in as <strong>{user}</strong>.", html, StringComparison.Ordinal);
        var links = Links(html);
        Assert.Contains("/ws/oauth2/authorizations", links);
        Assert.Contains("/ws/oauth2/logout", links);
        Assert.DoesNotContain(links, l => l.StartsWith("/ws/oauth2/authenticate_user", StringComparison.Ordinal));
        Assert.Equal(developer, links.Contains("/ws/oauth2/clients"));
        Assert.Equal(administrator, html.Contains("<strong id=\"database\">sqlite</strong>", StringComparison.Ordinal) || html.Contains("<strong id=\"database\">postgres</strong>", StringComparison.Ordinal));
        Assert.Equal(administrator, html.Contains("<th scope=\"col\">State</th>", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("fr-FR,fr;q=0.8", "fr", "Vous n'êtes pas connecté.", "Se connecter", "Modules installés")]
    [InlineData("es", "es", "No ha iniciado sesión.", "Iniciar sesión", "Módulos instalados")]
    public async Task The_home_page_and_the_links_the_modules_give_speak_the_visitors_language(string acceptLanguage, string lang, string signedOut, string signIn, string modules)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        var html = WebUtility.HtmlDecode(await (await _oauth.Client.SendAsync(request)).Content.ReadAsStringAsync());

        Assert.Contains($"<html lang=\"{lang}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<p id=\"signed-out\">{signedOut}</p>", html, StringComparison.Ordinal);
        Assert.Contains($">{signIn}</a>", html, StringComparison.Ordinal);
        Assert.Contains($"<h2>{modules}</h2>", html, StringComparison.Ordinal);
    }

    /// <summary>The modules' links (the list after the language switch).</summary>
    private static List<string> Links(string html)
    {
        var start = html.IndexOf("id=\"links\"", StringComparison.Ordinal);
        return [.. LinkPattern().Matches(html[start..html.IndexOf("</nav>", start, StringComparison.Ordinal)]).Select(m => WebUtility.HtmlDecode(m.Groups["href"].Value))];
    }

    [GeneratedRegex("<a href=\"(?<href>[^\"]*)\"")]
    private static partial Regex LinkPattern();
}
