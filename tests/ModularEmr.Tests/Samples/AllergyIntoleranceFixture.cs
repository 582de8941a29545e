using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using ModularEmr.Tests.Fhir;
using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;
using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Tests.Samples;

/// <summary>
/// One real host with the shipped modules and the Allergies sample, and allergies recorded through the
/// sample's own API: two for Alice (one active with a reaction, one resolved without), one for another patient.
/// The tests using it only read.
/// </summary>
public sealed class AllergyIntoleranceFixture : IAsyncLifetime
{
    internal OAuth2Harness OAuth { get; private set; } = null!;

    public string OtherPatient { get; private set; } = null!;

    public string AlicePenicillin { get; private set; } = null!;

    public string AliceLatex { get; private set; } = null!;

    public string OtherPeanut { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Every test of the class signs in through the password grant, more than its throttle allows a minute.
        OAuth = await OAuth2Harness.StartWithAsync(new { PasswordAttemptsPerWindow = 1000 }, modules => modules.Add("allergies", Repository.ModuleFolder("samples/Allergies")));
        var admin = await OAuth.TokenAsync("admin", "Admin123", "allergies.write user/Patient.cruds");
        var created = await OAuth.SendAsync(HttpMethod.Post, "/ws/fhir/Patient", admin, new Patient
        {
            Gender = AdministrativeGender.Male,
            BirthDate = "1970-03-04",
            Name = [new HumanName { Family = "Otherby", Given = ["Oscar"] }],
            Identifier = [new Identifier("https://modularemr.org/fhir/identifier/national-id", "NID-ALLERGY-1")],
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        OtherPatient = (await created.ResourceAsync<Patient>()).Id!;

        AlicePenicillin = await RecordAsync(admin, FhirHarness.AliceId, new { substance = "Penicillin", reaction = "Hives", severity = "Severe" });
        AliceLatex = await RecordAsync(admin, FhirHarness.AliceId, new { substance = "Latex", severity = "Mild", clinicalStatus = "Resolved" });
        OtherPeanut = await RecordAsync(admin, OtherPatient, new { substance = "Peanut", reaction = "Anaphylaxis", severity = "Severe" });
    }

    public async Task DisposeAsync() => await OAuth.DisposeAsync();

    private async Task<string> RecordAsync(string token, string patient, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/ws/allergies/patient/{patient}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await OAuth.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return (string)JsonNode.Parse(text)!["uuid"]!;
    }
}
