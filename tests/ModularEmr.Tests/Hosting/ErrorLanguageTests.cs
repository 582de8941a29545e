using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;
using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// The FHIR and REST error bodies in the reader's language (<c>Accept-Language</c>): the module's own
/// messages, the bearer filter's refusals and the core records' refusals alike. The challenge header stays
/// English, as RFC 6750 §3 allows only ASCII there.
/// </summary>
public sealed class ErrorLanguageTests : IAsyncLifetime
{
    private const string Unknown = "7f6c2f2e-0000-4000-8000-000000000000";

    private OAuth2Harness _oauth = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        _oauth = await OAuth2Harness.StartAsync();
        _admin = await _oauth.TokenAsync("admin", "Admin123", "user/Patient.cruds rest.read rest.write");
    }

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Theory]
    [InlineData(null, "No Patient with id '" + Unknown + "'.")]
    [InlineData("fr-FR,fr;q=0.9", "Aucun Patient avec l'identifiant « " + Unknown + " ».")]
    [InlineData("es", "No hay ningún Patient con el id «" + Unknown + "».")]
    public async Task A_fhir_read_of_an_unknown_patient_says_so_in_the_readers_language(string? language, string expected)
    {
        var response = await _oauth.SendAsync(HttpMethod.Get, $"/ws/fhir/Patient/{Unknown}", _admin, adjust: r => Accept(r, language));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(expected, (await response.ResourceAsync<OperationOutcome>()).Issue.Single().Diagnostics);
    }

    [Fact]
    public async Task The_bearer_filters_refusal_is_french_in_the_body_and_english_in_the_challenge()
    {
        var missing = await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient", token: null, adjust: r => Accept(r, "fr"));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.StartsWith("Cette ressource demande un jeton d'accès", (await missing.ResourceAsync<OperationOutcome>()).Issue.Single().Diagnostics, StringComparison.Ordinal);

        var invalid = await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient", token: "not-a-token", adjust: r => Accept(r, "fr"));
        Assert.Equal(HttpStatusCode.Unauthorized, invalid.StatusCode);
        Assert.StartsWith("Le jeton d'accès n'est pas valide", (await invalid.ResourceAsync<OperationOutcome>()).Issue.Single().Diagnostics, StringComparison.Ordinal);
        var challenge = invalid.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        var english = await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient", token: "not-a-token");
        Assert.Equal(english.Headers.WwwAuthenticate.ToString(), challenge);

        // A refusal the FHIR module decides itself (no scope for the interaction): the same split.
        var rest = await _oauth.TokenAsync("admin", "Admin123", "rest.read");
        var forbidden = await _oauth.SendAsync(HttpMethod.Get, "/ws/fhir/Patient", rest, adjust: r => Accept(r, "es"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.StartsWith("El token de acceso no tiene ningún ámbito que permita «search» sobre Patient", (await forbidden.ResourceAsync<OperationOutcome>()).Issue.Single().Diagnostics, StringComparison.Ordinal);
        Assert.Contains("error_description=\"The access token has no scope that allows 'search' on Patient", forbidden.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_core_records_refusals_reach_fhir_and_rest_in_the_readers_language()
    {
        var created = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _admin, FuturePatient(), adjust: r => Accept(r, "es"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        var issues = (await created.ResourceAsync<OperationOutcome>()).Issue.Select(i => i.Diagnostics).ToList();
        Assert.Contains(issues, d => d?.Contains("birthdate no puede estar en el futuro", StringComparison.Ordinal) == true);

        var name = await RestAsync(HttpMethod.Post, $"/ws/rest/v1/person/{FhirHarness.AliceId}/name", "fr", JsonContent.Create(new { givenName = "Alice" }));
        Assert.Equal(HttpStatusCode.BadRequest, name.StatusCode);
        var error = JsonNode.Parse(await name.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("Soumission non valide", (string?)error["message"]);
        Assert.Equal("familyName est obligatoire", (string?)error["fieldErrors"]!["familyName"]![0]!["message"]);
    }

    /// <summary>
    /// Writes from readers of three languages at once: the SQLite write loop runs them together in one batch
    /// on its own thread, and each refusal must still be in its own request's language.
    /// </summary>
    [Fact]
    public async Task Concurrent_refused_writes_each_answer_in_their_own_readers_language()
    {
        var expected = new Dictionary<string, string>
        {
            ["en"] = "birthdate cannot be in the future",
            ["fr"] = "birthdate ne peut pas être dans le futur",
            ["es"] = "birthdate no puede estar en el futuro",
        };
        var writes = Enumerable.Range(0, 36).Select(async i =>
        {
            var language = expected.Keys.ElementAt(i % 3);
            var response = await _oauth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", _admin, FuturePatient(), adjust: r => Accept(r, language));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            return (language, Issues: (await response.ResourceAsync<OperationOutcome>()).Issue.Select(issue => issue.Diagnostics ?? string.Empty).ToList());
        });

        foreach (var (language, issues) in await Task.WhenAll(writes))
        {
            Assert.Contains(issues, issue => issue.Contains(expected[language], StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Rests_bearer_refusals_speak_the_readers_language()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws/rest/v1/person?q=alice");
        request.Headers.AcceptLanguage.ParseAdd("es");
        var refused = await _oauth.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("webservices.rest.error.unauthorized", (string?)error["code"]);
        Assert.Equal("Este recurso necesita un token de acceso: envíelo como «Authorization: Bearer <token>».", (string?)error["message"]);
    }

    [Theory]
    [InlineData(null, "Object with given uuid doesn't exist: person " + Unknown, "v must be ref, default or full.")]
    [InlineData("fr", "Aucun objet avec cet uuid : person " + Unknown, "v doit valoir ref, default ou full.")]
    [InlineData("es-ES", "No existe ningún objeto con ese uuid: person " + Unknown, "v debe ser ref, default o full.")]
    public async Task Rest_errors_speak_the_readers_language(string? language, string notFound, string badRepresentation)
    {
        var missing = await RestAsync(HttpMethod.Get, $"/ws/rest/v1/person/{Unknown}", language);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(notFound, (string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["error"]!["message"]);

        var representation = await RestAsync(HttpMethod.Get, $"/ws/rest/v1/person/{FhirHarness.AliceId}?v=everything", language);
        Assert.Equal(HttpStatusCode.BadRequest, representation.StatusCode);
        Assert.Equal(badRepresentation, (string?)JsonNode.Parse(await representation.Content.ReadAsStringAsync())!["error"]!["fieldErrors"]!["v"]![0]!["message"]);
    }

    [Fact]
    public async Task The_consent_page_describes_each_modules_scopes_in_the_readers_language()
    {
        var browser = _oauth.NewBrowser();
        await browser.SignInAsync("alice", "Alice123");
        using var request = new HttpRequestMessage(HttpMethod.Get, Browser.AuthorizeUrl(OAuth2Harness.Public, "openid patient/Patient.rs rest.read", Pkce.Create()));
        request.Headers.AcceptLanguage.ParseAdd("fr");
        var consent = WebUtility.HtmlDecode(await (await browser.Client.SendAsync(request)).Content.ReadAsStringAsync());

        Assert.Contains("<strong>Votre dossier patient</strong>: Lire votre propre dossier patient (nom, date de naissance, identifiants, adresse).", consent, StringComparison.Ordinal);
        Assert.Contains("<strong>Lire les dossiers</strong>: Lire les personnes, les patients", consent, StringComparison.Ordinal);
        Assert.Contains("<strong>Vous connecter</strong>: Confirmer votre identité à l'application (OpenID Connect).", consent, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> RestAsync(HttpMethod method, string path, string? language, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _admin);
        Accept(request, language);
        return await _oauth.Client.SendAsync(request);
    }

    /// <summary>A patient the core refuses inside its write (a birth date in the future), not before queueing it.</summary>
    private static Patient FuturePatient() => new()
    {
        Name = [new HumanName { Family = "Futura", Given = ["Ana"] }],
        Gender = AdministrativeGender.Female,
        BirthDate = DateTime.UtcNow.AddYears(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Identifier = [new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-LANG-" + Guid.NewGuid().ToString("N")[..8])],
    };

    private static void Accept(HttpRequestMessage request, string? language)
    {
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
    }
}
