using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.OAuth2;

/// <summary>
/// The pages in English, French and Spanish: chosen by the app's <c>ui_locales</c>, then the visitor's
/// choice on a page (a cookie), then the browser's <c>Accept-Language</c>.
/// </summary>
public sealed class LocalizationTests : IAsyncLifetime
{
    private const string Login = "/ws/oauth2/authenticate_user";

    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    /// <summary>Every resource file of the host and the modules has its French and Spanish twin, with the same keys, none empty.</summary>
    [Fact]
    public void Every_text_has_an_english_french_and_spanish_value()
    {
        var neutral = new[] { "sdk", "host", "modules" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Repository.Root, folder), "*.resx", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetFileNameWithoutExtension(path).IndexOf('.', StringComparison.Ordinal) < 0)
            .ToList();
        Assert.NotEmpty(neutral);
        foreach (var file in neutral)
        {
            var english = Texts(file);
            Assert.All(english, text => _ = string.Format(System.Globalization.CultureInfo.InvariantCulture, text.Value, Enumerable.Range(0, 10).Select(i => (object)i).ToArray()));
            Assert.All(english, text => Assert.False(string.IsNullOrWhiteSpace(text.Value), $"{file}: '{text.Key}' is empty"));
            foreach (var language in new[] { "fr", "es" })
            {
                var translated = Path.ChangeExtension(file, $".{language}.resx");
                Assert.True(File.Exists(translated), $"{translated} is missing");
                var texts = Texts(translated);
                Assert.Equal(english.Keys.Order(StringComparer.Ordinal), texts.Keys.Order(StringComparer.Ordinal));
                Assert.All(texts, text => Assert.False(string.IsNullOrWhiteSpace(text.Value), $"{translated}: '{text.Key}' is empty"));

                // Each translation takes the same arguments, and formats: a '{1}' lost or a stray brace would
                // only show as a FormatException on the request that needs the text.
                Assert.All(texts, text => Assert.True(
                    Placeholders(text.Value).SetEquals(Placeholders(english[text.Key])),
                    $"{translated}: '{text.Key}' takes {{{string.Join("}, {", Placeholders(text.Value))}}}, the English {{{string.Join("}, {", Placeholders(english[text.Key]))}}}"));
                Assert.All(texts, text => _ = string.Format(System.Globalization.CultureInfo.InvariantCulture, text.Value, Enumerable.Range(0, 10).Select(i => (object)i).ToArray()));
            }
        }
    }

    [Theory]
    [InlineData(null, "en", "Sign in to ModularEmr", "Sign in")]
    [InlineData("fr-FR,fr;q=0.9,en;q=0.5", "fr", "Connexion à ModularEmr", "Se connecter")]
    [InlineData("es-MX,es;q=0.9", "es", "Iniciar sesión en ModularEmr", "Iniciar sesión")]
    [InlineData("de-DE,de;q=0.9", "en", "Sign in to ModularEmr", "Sign in")]
    public async Task The_login_page_speaks_the_browsers_language(string? acceptLanguage, string lang, string heading, string button)
    {
        var page = await PageAsync(_oauth.NewBrowser(), Login, acceptLanguage);

        Assert.Contains($"<html lang=\"{lang}\">", page, StringComparison.Ordinal);
        Assert.Contains($"<h1>{heading}</h1>", page, StringComparison.Ordinal);
        Assert.Contains($"<button type=\"submit\">{button}</button>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_apps_ui_locales_wins_over_the_browser_and_stays_through_a_failed_sign_in_and_the_consent()
    {
        var browser = _oauth.NewBrowser();
        var authorize = Browser.AuthorizeUrl(OAuth2Harness.Public, "openid probe.read", Pkce.Create(), extra: "ui_locales=es-ES%20fr");
        using var request = new HttpRequestMessage(HttpMethod.Get, authorize);
        request.Headers.AcceptLanguage.ParseAdd("fr-FR");
        var toLogin = await browser.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);

        var login = await PageAsync(browser, toLogin.Headers.Location!.OriginalString, "fr-FR");
        Assert.Contains("<h1>Iniciar sesión en ModularEmr</h1>", login, StringComparison.Ordinal);

        // The form's answer has no ui_locales of its own: the cookie the first page set keeps Spanish.
        var form = HtmlForm.Find(login, Login).With("username", "alice").With("password", "wrong");
        using var post = new HttpRequestMessage(HttpMethod.Post, form.Action) { Content = form.Content() };
        post.Headers.AcceptLanguage.ParseAdd("fr-FR");
        var refused = await browser.Client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Usuario o contraseña no válidos. Inténtelo de nuevo.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var consent = WebUtility.HtmlDecode(await browser.ReachConsentAsync(authorize));
        Assert.Contains("<h1>¿Permitir XYZ Patient App?</h1>", consent, StringComparison.Ordinal);
        Assert.Contains("value=\"approve\">Permitir</button>", consent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_language_switch_keeps_the_visitors_choice_over_the_browsers_and_only_returns_to_this_server()
    {
        var browser = _oauth.NewBrowser();
        var french = await PageAsync(browser, Login, "fr-FR");
        Assert.Contains("<a href=\"/language?culture=es&returnUrl=%2Fws%2Foauth2%2Fauthenticate_user\" lang=\"es\" hreflang=\"es\">Español</a>", french, StringComparison.Ordinal);

        var switched = await browser.GetAsync("/language?culture=es&returnUrl=%2Fws%2Foauth2%2Fauthenticate_user");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal(Login, switched.Headers.Location!.OriginalString);
        Assert.Contains("<h1>Iniciar sesión en ModularEmr</h1>", await PageAsync(browser, Login, "fr-FR"), StringComparison.Ordinal);

        foreach (var elsewhere in new[] { "https://evil.example/", "//evil.example/", "/\t/evil.example", "/\\evil.example" })
        {
            var refused = await browser.GetAsync($"/language?culture=fr&returnUrl={Uri.EscapeDataString(elsewhere)}");
            Assert.Equal("/", refused.Headers.Location!.OriginalString);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/language?culture=de&returnUrl=%2F")).StatusCode);
    }

    [Fact]
    public async Task Error_pages_speak_the_visitors_language_with_their_values_filled_in()
    {
        var browser = _oauth.NewBrowser();
        using var forged = new HttpRequestMessage(HttpMethod.Post, Login) { Content = new FormUrlEncodedContent([new("username", "alice"), new("password", "Alice123")]) };
        forged.Headers.AcceptLanguage.ParseAdd("fr");
        var expired = await browser.Client.SendAsync(forged);
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        var french = WebUtility.HtmlDecode(await expired.Content.ReadAsStringAsync());
        Assert.Contains("<h1>Formulaire expiré</h1>", french, StringComparison.Ordinal);
        Assert.Contains("Ce formulaire n'a pas été envoyé depuis ce site", french, StringComparison.Ordinal);

        await browser.SignInAsync("bob", "Bob12345");
        using var unknown = new HttpRequestMessage(HttpMethod.Get, "/ws/oauth2/clients/no-such-app");
        unknown.Headers.AcceptLanguage.ParseAdd("es");
        var missing = await browser.Client.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var spanish = WebUtility.HtmlDecode(await missing.Content.ReadAsStringAsync());
        Assert.Contains("<h1>No encontrado</h1>", spanish, StringComparison.Ordinal);
        Assert.Contains("No tiene ninguna aplicación «no-such-app».", spanish, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_portal_says_why_a_registration_was_refused_in_the_developers_language_and_the_api_in_english()
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("bob", "Bob12345");
        var portal = await PageAsync(browser, "/ws/oauth2/clients", "es");
        var form = HtmlForm.Find(portal, "/ws/oauth2/clients").With("name", "Portal app").With("clientType", "confidential-web")
            .With("redirectUris", "http://example.com/callback").With("grantTypes", "authorization_code").With("scopes", "probe.read").With("acceptTerms", "true");
        using var post = new HttpRequestMessage(HttpMethod.Post, form.Action) { Content = form.Content() };
        post.Headers.AcceptLanguage.ParseAdd("es");
        var refused = await browser.Client.SendAsync(post);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(
            "URI de redirección «http://example.com/callback»: debe usar https; http simple solo se permite en bucle local",
            WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()),
            StringComparison.Ordinal);

        // The same refusal through the JSON API: an OAuth error_description, which RFC 6749 §5.2 keeps ASCII.
        using var api = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/api/clients")
        {
            Content = JsonContent.Create(new { name = "Api app", clientType = "confidential-web", redirectUris = new[] { "http://example.com/callback" }, grantTypes = new[] { "authorization_code" }, scopes = new[] { "probe.read" }, acceptTerms = true }),
        };
        api.Headers.Authorization = OAuth2Harness.BasicHeader("bob", "Bob12345");
        api.Headers.AcceptLanguage.ParseAdd("es");
        var apiRefused = await _oauth.Client.SendAsync(api);
        Assert.Equal(HttpStatusCode.BadRequest, apiRefused.StatusCode);
        Assert.Contains("Redirect URI 'http://example.com/callback': must use https", await apiRefused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_discouraged_grants_warning_is_spanish_on_the_portal_and_english_in_the_api()
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("bob", "Bob12345");
        var portal = await PageAsync(browser, "/ws/oauth2/clients", "es");
        var form = HtmlForm.Find(portal, "/ws/oauth2/clients").With("name", "Legacy app").With("clientType", "confidential-web")
            .With("redirectUris", OAuth2Harness.Redirect).With("grantTypes", "password").With("scopes", "probe.read").With("acceptTerms", "true").With("acceptDiscouragedGrants", "true");
        using var post = new HttpRequestMessage(HttpMethod.Post, form.Action) { Content = form.Content() };
        post.Headers.AcceptLanguage.ParseAdd("es");
        var registered = await browser.Client.SendAsync(post);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Contains("<p class=\"warning\">La RFC 9700 (buenas prácticas de seguridad de OAuth 2.0) desaconseja", WebUtility.HtmlDecode(await registered.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        using var api = new HttpRequestMessage(HttpMethod.Post, "/ws/oauth2/api/clients")
        {
            Content = JsonContent.Create(new { name = "Legacy api app", clientType = "confidential-web", redirectUris = new[] { OAuth2Harness.Redirect }, grantTypes = new[] { "password" }, scopes = new[] { "probe.read" }, acceptTerms = true, acceptDiscouragedGrants = true }),
        };
        api.Headers.Authorization = OAuth2Harness.BasicHeader("bob", "Bob12345");
        api.Headers.AcceptLanguage.ParseAdd("fr");
        var created = System.Text.Json.Nodes.JsonNode.Parse(await (await _oauth.Client.SendAsync(api)).Content.ReadAsStringAsync())!;
        Assert.StartsWith("RFC 9700 (OAuth 2.0 Security Best Current Practice) discourages", (string?)created["warnings"]![0], StringComparison.Ordinal);
        Assert.Null(created["notes"]);
    }

    [Fact]
    public async Task A_refused_authorization_request_is_explained_in_the_visitors_language_with_the_developers_detail_marked_english()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Browser.AuthorizeUrl("no-such-client", "openid", Pkce.Create()));
        request.Headers.AcceptLanguage.ParseAdd("fr");
        var refused = await _oauth.NewBrowser().Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("<h1>La demande de cette application a été refusée</h1>", page, StringComparison.Ordinal);
        Assert.Contains("L'application a envoyé une requête que ce serveur ne peut pas accepter", page, StringComparison.Ordinal);
        Assert.Matches("Pour le développeur : <span lang=\"en\">[^<]+</span>", page);
    }

    private static async Task<string> PageAsync(Browser browser, string path, string? acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptLanguage is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        var response = await browser.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Razor writes letters outside ASCII as character references: the page as a browser reads it.
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static HashSet<string> Placeholders(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @"\{(\d+)[^}]*\}").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    private static Dictionary<string, string> Texts(string file) =>
        XDocument.Load(file).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? string.Empty, StringComparer.Ordinal);
}
