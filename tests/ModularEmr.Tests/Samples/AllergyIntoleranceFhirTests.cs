using System.Net;
using System.Runtime.Loader;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Host.Modules;
using ModularEmr.Sdk.Fhir;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;
using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Tests.Samples;

/// <summary>
/// The FHIR extension point (sdk 1.8.0): the Allergies sample contributes AllergyIntolerance, which the FHIR
/// module serves with its own tokens, scopes, formats, paging and errors. Every answer is validated by Firely.
/// </summary>
public sealed class AllergyIntoleranceFhirTests(AllergyIntoleranceFixture fixture) : IClassFixture<AllergyIntoleranceFixture>
{
    private const string ClinicalSystem = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";

    private OAuth2Harness OAuth => fixture.OAuth;

    private async Task<T> GetAsync<T>(string path, string token, HttpStatusCode expected = HttpStatusCode.OK, string? accept = null)
        where T : Resource
    {
        using var response = await OAuth.SendAsync(HttpMethod.Get, path, token, accept: accept);
        Assert.Equal(expected, response.StatusCode);
        return await response.ResourceAsync<T>();
    }

    private static IEnumerable<AllergyIntolerance> Allergies(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<AllergyIntolerance>();

    [Fact]
    public async Task A_user_token_reads_an_allergy_as_a_valid_AllergyIntolerance_in_json_and_xml()
    {
        var token = await OAuth.TokenAsync("admin", "Admin123", "user/AllergyIntolerance.rs");

        var allergy = await GetAsync<AllergyIntolerance>($"/ws/fhir/AllergyIntolerance/{fixture.AlicePenicillin}", token);
        Assert.Equal(fixture.AlicePenicillin, allergy.Id);
        Assert.Equal("Penicillin", allergy.Code!.Text);
        Assert.Equal($"Patient/{FhirHarness.AliceId}", allergy.Patient!.Reference);
        Assert.Equal("active", allergy.ClinicalStatus!.Coding.Single().Code);
        Assert.Equal(ClinicalSystem, allergy.ClinicalStatus.Coding.Single().System);
        var reaction = Assert.Single(allergy.Reaction);
        Assert.Equal("Hives", reaction.Manifestation.Single().Text);
        Assert.Equal(AllergyIntolerance.AllergyIntoleranceSeverity.Severe, reaction.Severity);

        var xml = await GetAsync<AllergyIntolerance>($"/ws/fhir/AllergyIntolerance/{fixture.AliceLatex}", token, accept: "application/fhir+xml");
        Assert.Equal("resolved", xml.ClinicalStatus!.Coding.Single().Code);
        Assert.Empty(xml.Reaction);
    }

    [Fact]
    public async Task Search_by_patient_and_clinical_status_pages_with_count_and_follows_next_links()
    {
        var token = await OAuth.TokenAsync("admin", "Admin123", "user/AllergyIntolerance.rs");

        var all = await GetAsync<Bundle>("/ws/fhir/AllergyIntolerance", token);
        Assert.True(all.Total >= 3);
        Assert.Contains(Allergies(all), a => a.Id == fixture.OtherPeanut);

        var alices = await GetAsync<Bundle>($"/ws/fhir/AllergyIntolerance?patient=Patient/{FhirHarness.AliceId}", token);
        Assert.Equal(2, alices.Total);
        Assert.Equal([fixture.AlicePenicillin, fixture.AliceLatex], Allergies(alices).Select(a => a.Id));
        Assert.Equal(2, Allergies(await GetAsync<Bundle>($"/ws/fhir/AllergyIntolerance?patient={FhirHarness.AliceId}", token)).Count());

        var active = await GetAsync<Bundle>($"/ws/fhir/AllergyIntolerance?patient={FhirHarness.AliceId}&clinical-status=active", token);
        Assert.Equal([fixture.AlicePenicillin], Allergies(active).Select(a => a.Id));
        var resolved = await GetAsync<Bundle>($"/ws/fhir/AllergyIntolerance?patient={FhirHarness.AliceId}&clinical-status={ClinicalSystem}|resolved", token);
        Assert.Equal([fixture.AliceLatex], Allergies(resolved).Select(a => a.Id));
        var either = await GetAsync<Bundle>($"/ws/fhir/AllergyIntolerance?patient={FhirHarness.AliceId}&clinical-status=active,resolved", token);
        Assert.Equal(2, either.Total);
        var both = await GetAsync<Bundle>($"/ws/fhir/AllergyIntolerance?patient={FhirHarness.AliceId}&clinical-status=active&clinical-status=resolved", token);
        Assert.Equal(0, both.Total);

        var first = await GetAsync<Bundle>($"/ws/fhir/AllergyIntolerance?patient={FhirHarness.AliceId}&_count=1", token);
        Assert.Equal([fixture.AlicePenicillin], Allergies(first).Select(a => a.Id));
        var next = first.Link.Single(l => l.Relation == "next").Url!;
        Assert.StartsWith("http", next, StringComparison.Ordinal);
        var second = await GetAsync<Bundle>(new Uri(next).PathAndQuery, token);
        Assert.Equal([fixture.AliceLatex], Allergies(second).Select(a => a.Id));
        Assert.DoesNotContain(second.Link, l => l.Relation == "next");
    }

    [Fact]
    public async Task A_patient_token_sees_only_its_own_allergies_and_is_refused_another_patients()
    {
        var alice = await OAuth.TokenAsync("alice", "Alice123", "patient/AllergyIntolerance.rs launch/patient");

        var mine = await GetAsync<Bundle>("/ws/fhir/AllergyIntolerance", alice);
        Assert.Equal([fixture.AlicePenicillin, fixture.AliceLatex], Allergies(mine).Select(a => a.Id));
        Assert.Equal(fixture.AliceLatex, (await GetAsync<AllergyIntolerance>($"/ws/fhir/AllergyIntolerance/{fixture.AliceLatex}", alice)).Id);

        var read = await GetAsync<OperationOutcome>($"/ws/fhir/AllergyIntolerance/{fixture.OtherPeanut}", alice, HttpStatusCode.Forbidden);
        Assert.Equal(OperationOutcome.IssueType.Forbidden, read.Issue.Single().Code);
        await GetAsync<OperationOutcome>($"/ws/fhir/AllergyIntolerance?patient={fixture.OtherPatient}", alice, HttpStatusCode.Forbidden);
        await GetAsync<OperationOutcome>($"/ws/fhir/Patient/{fixture.OtherPatient}/$everything", alice, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_system_token_searches_every_patients_allergies_and_a_user_needs_the_modules_privilege()
    {
        var system = await OAuth.SystemTokenAsync("system/AllergyIntolerance.rs");
        var all = await GetAsync<Bundle>("/ws/fhir/AllergyIntolerance?clinical-status=active", system);
        Assert.Contains(Allergies(all), a => a.Id == fixture.OtherPeanut);
        Assert.Contains(Allergies(all), a => a.Id == fixture.AlicePenicillin);

        var bob = await OAuth.TokenAsync("bob", "Bob12345", "user/AllergyIntolerance.rs");
        var refused = await GetAsync<OperationOutcome>("/ws/fhir/AllergyIntolerance", bob, HttpStatusCode.Forbidden);
        Assert.Contains("View Allergies", refused.Issue.Single().Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_a_scope_for_the_type_is_told_which_scopes_would_do()
    {
        var token = await OAuth.TokenAsync("admin", "Admin123", "user/Patient.rs");
        using var response = await OAuth.SendAsync(HttpMethod.Get, "/ws/fhir/AllergyIntolerance", token);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"patient/AllergyIntolerance.rs user/AllergyIntolerance.rs system/AllergyIntolerance.rs\"", challenge, StringComparison.Ordinal);
        await response.ResourceAsync<OperationOutcome>();
    }

    [Fact]
    public async Task Bad_searches_unknown_ids_and_writes_get_an_OperationOutcome_never_a_500()
    {
        var token = await OAuth.TokenAsync("admin", "Admin123", "user/AllergyIntolerance.rs");

        Assert.Contains("clinical-status", (await GetAsync<OperationOutcome>("/ws/fhir/AllergyIntolerance?clinical-status=sneezy", token, HttpStatusCode.BadRequest)).Issue.Last().Diagnostics, StringComparison.Ordinal);
        Assert.Contains("code", (await GetAsync<OperationOutcome>("/ws/fhir/AllergyIntolerance?code=peanut", token, HttpStatusCode.BadRequest)).Issue.Single().Diagnostics, StringComparison.Ordinal);
        await GetAsync<OperationOutcome>("/ws/fhir/AllergyIntolerance?patient=Observation/12", token, HttpStatusCode.BadRequest);
        await GetAsync<OperationOutcome>("/ws/fhir/AllergyIntolerance?clinical-status:not=active", token, HttpStatusCode.BadRequest);
        await GetAsync<OperationOutcome>("/ws/fhir/AllergyIntolerance?_count=-1", token, HttpStatusCode.BadRequest);
        await GetAsync<OperationOutcome>("/ws/fhir/AllergyIntolerance?_after=somewhere", token, HttpStatusCode.BadRequest);
        await GetAsync<OperationOutcome>($"/ws/fhir/AllergyIntolerance/{Guid.NewGuid()}", token, HttpStatusCode.NotFound);
        await GetAsync<OperationOutcome>("/ws/fhir/AllergyIntolerance/not-a-uuid", token, HttpStatusCode.NotFound);

        var lenient = await OAuth.SendAsync(HttpMethod.Get, "/ws/fhir/AllergyIntolerance?code=peanut", token, adjust: r => r.Headers.Add("Prefer", "handling=lenient"));
        Assert.Equal(HttpStatusCode.OK, lenient.StatusCode);
        Assert.Contains((await lenient.ResourceAsync<Bundle>()).Entry, e => e.Resource is OperationOutcome);

        var write = await OAuth.SendAsync(HttpMethod.Post, "/ws/fhir/AllergyIntolerance", token, new AllergyIntolerance { Patient = new ResourceReference($"Patient/{FhirHarness.AliceId}") });
        Assert.Equal(HttpStatusCode.MethodNotAllowed, write.StatusCode);
        await write.ResourceAsync<OperationOutcome>();
    }

    [Fact]
    public async Task Everything_returns_the_patient_and_her_allergies_and_says_what_the_scopes_left_out()
    {
        var alice = await OAuth.TokenAsync("alice", "Alice123", "patient/Patient.rs patient/AllergyIntolerance.rs launch/patient");
        var everything = await GetAsync<Bundle>($"/ws/fhir/Patient/{FhirHarness.AliceId}/$everything", alice);
        Assert.Equal(Bundle.BundleType.Searchset, everything.Type);
        Assert.Equal(3, everything.Total);
        Assert.Equal(FhirHarness.AliceId, Assert.IsType<Patient>(everything.Entry[0].Resource).Id);
        Assert.Equal([fixture.AlicePenicillin, fixture.AliceLatex], Allergies(everything).Select(a => a.Id));

        var patientOnly = await OAuth.TokenAsync("alice", "Alice123", "patient/Patient.rs launch/patient");
        var partial = await GetAsync<Bundle>($"/ws/fhir/Patient/{FhirHarness.AliceId}/$everything", patientOnly);
        Assert.Empty(Allergies(partial));
        var note = Assert.IsType<OperationOutcome>(partial.Entry.Last().Resource);
        Assert.Contains("AllergyIntolerance", note.Issue.Single().Diagnostics, StringComparison.Ordinal);

        var admin = await OAuth.TokenAsync("admin", "Admin123", "user/Patient.rs user/AllergyIntolerance.rs");
        var others = await GetAsync<Bundle>($"/ws/fhir/Patient/{fixture.OtherPatient}/$everything", admin);
        Assert.Equal([fixture.OtherPeanut], Allergies(others).Select(a => a.Id));
        await GetAsync<OperationOutcome>($"/ws/fhir/Patient/{Guid.NewGuid()}/$everything", admin, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Everything_holds_each_type_to_its_own_scope_a_clinicians_patient_scope_covers_only_the_chosen_patient()
    {
        // Admin launches with launch/patient, chooses Alice, and is granted user/ Patient but patient/ allergies.
        var browser = OAuth.NewBrowser();
        var pkce = Pkce.Create();
        var consent = await browser.ReachConsentAsync(Browser.AuthorizeUrl(OAuth2Harness.Public, "launch/patient user/Patient.rs patient/AllergyIntolerance.rs", pkce), "admin", "Admin123");
        var picker = await (await PostAsync(browser, HtmlForm.Find(consent, "/ws/oauth2/authorize").With("consent_decision", "approve"))).Content.ReadAsStringAsync();
        var chosen = await PostAsync(browser, HtmlForm.Find(picker, "/ws/oauth2/authorize").With("launch_patient_choice", FhirHarness.AliceId));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        var (status, tokens) = await OAuth.TokenAsync(null,
            ("grant_type", "authorization_code"), ("code", Browser.Parameters(chosen.Headers.Location!)["code"]), ("redirect_uri", OAuth2Harness.Redirect),
            ("client_id", OAuth2Harness.Public), ("code_verifier", pkce.Verifier));
        Assert.Equal(HttpStatusCode.OK, status);
        var token = (string)tokens["access_token"]!;

        var others = await GetAsync<Bundle>($"/ws/fhir/Patient/{fixture.OtherPatient}/$everything", token);
        Assert.Equal(fixture.OtherPatient, Assert.IsType<Patient>(others.Entry[0].Resource).Id);
        Assert.Empty(Allergies(others));
        Assert.Contains("AllergyIntolerance", Assert.IsType<OperationOutcome>(others.Entry.Last().Resource).Issue.Single().Diagnostics, StringComparison.Ordinal);

        var alices = await GetAsync<Bundle>($"/ws/fhir/Patient/{FhirHarness.AliceId}/$everything", token);
        Assert.Equal([fixture.AlicePenicillin, fixture.AliceLatex], Allergies(alices).Select(a => a.Id));
    }

    [Fact]
    public async Task A_read_by_another_spelling_of_the_id_is_404_and_next_links_keep_a_repeated_parameter_repeated()
    {
        var token = await OAuth.TokenAsync("admin", "Admin123", "user/AllergyIntolerance.rs");
        await GetAsync<OperationOutcome>($"/ws/fhir/AllergyIntolerance/{fixture.AlicePenicillin.ToUpperInvariant()}", token, HttpStatusCode.NotFound);

        // Repeated, a parameter narrows ("and"); joined with a comma it would widen ("or").
        var first = await GetAsync<Bundle>($"/ws/fhir/AllergyIntolerance?patient={FhirHarness.AliceId}&clinical-status=active,resolved&clinical-status=active,resolved&_count=1", token);
        Assert.Equal(2, first.Total);
        var next = first.Link.Single(l => l.Relation == "next").Url!;
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(next, "clinical-status="));
        Assert.Equal([fixture.AliceLatex], Allergies(await GetAsync<Bundle>(new Uri(next).PathAndQuery, token)).Select(a => a.Id));
    }

    private static Task<HttpResponseMessage> PostAsync(Browser browser, HtmlForm form) => browser.Client.PostAsync(form.Action, form.Content());

    [Fact]
    public async Task The_CapabilityStatement_and_smart_configuration_list_the_contributed_type()
    {
        var statement = await (await OAuth.Client.GetAsync("/ws/fhir/metadata")).ResourceAsync<CapabilityStatement>();
        var resources = statement.Rest.Single().Resource;
        var allergy = resources.Single(r => r.Type == "AllergyIntolerance");
        Assert.Equal(["patient", "clinical-status"], allergy.SearchParam.Select(p => p.Name));
        Assert.Equal([SearchParamType.Reference, SearchParamType.Token], allergy.SearchParam.Select(p => p.Type!.Value));
        Assert.Equal([CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType], allergy.Interaction.Select(i => i.Code!.Value));
        Assert.Equal("everything", resources.Single(r => r.Type == "Patient").Operation.Single().Name);

        var smart = System.Text.Json.Nodes.JsonNode.Parse(await OAuth.Client.GetStringAsync("/ws/fhir/.well-known/smart-configuration"))!;
        Assert.Contains("patient/AllergyIntolerance.rs", smart["scopes_supported"]!.AsArray().Select(s => (string?)s));
    }

    [Fact]
    public void The_FHIR_module_and_the_Allergies_module_are_in_separate_load_contexts()
    {
        var contribution = OAuth.Host.App.Services.GetServices<FhirResourceContribution>().Single(c => c.Definition.Type == "AllergyIntolerance");
        Assert.Equal("allergies", contribution.ModuleId);
        var allergies = AssemblyLoadContext.GetLoadContext(contribution.ProviderType.Assembly)!;
        var loaded = OAuth.Host.App.Services.GetRequiredService<ModuleRegistry>().Loaded;
        var fhir = AssemblyLoadContext.GetLoadContext(loaded.Single(m => m.Id == "fhir").Instance.GetType().Assembly)!;
        Assert.Same(allergies, AssemblyLoadContext.GetLoadContext(loaded.Single(m => m.Id == "allergies").Instance.GetType().Assembly));
        Assert.NotSame(AssemblyLoadContext.Default, allergies);
        Assert.NotSame(AssemblyLoadContext.Default, fhir);
        Assert.NotSame(fhir, allergies);

        // The contract crossed the boundary as one type: the sdk's, loaded once by the host.
        Assert.Same(typeof(IFhirResourceProvider), contribution.ProviderType.GetInterfaces().Single(i => i.Name == nameof(IFhirResourceProvider)));
    }
}
