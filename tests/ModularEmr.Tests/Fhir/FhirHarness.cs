using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Hl7.Fhir.Utility;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Fhir;

/// <summary>Real tokens from the OAuth2 module, FHIR requests, and Firely's validator on every answer.</summary>
internal static class FhirHarness
{
    public const string AliceId = "dda12af7-1691-11df-97a5-7038c432aabf";

    private static readonly Lazy<Validator> SharedValidator = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver), null, null, null);
    });

    /// <summary>
    /// Firely's validator loads and converts profiles on first use without guarding against another thread
    /// doing the same: two test classes validating at once failed with "Index was out of range" while
    /// converting an ElementDefinition (a CI run, PostgreSQL pass). Validation is one call at a time.
    /// </summary>
    private static readonly Lock ValidatorGate = new();

    private static readonly FhirJsonDeserializer Json = new(new DeserializerSettings());
    private static readonly FhirXmlDeserializer Xml = new(new DeserializerSettings());

    public static async Task<string> TokenAsync(this OAuth2Harness oauth, string username, string password, string scope) =>
        (string)(await oauth.PasswordTokenAsync(scope, username, password))["access_token"]!;

    public static async Task<string> SystemTokenAsync(this OAuth2Harness oauth, string scope)
    {
        var (_, body) = await oauth.TokenAsync((OAuth2Harness.Confidential, OAuth2Harness.ConfidentialSecret), ("grant_type", "client_credentials"), ("scope", scope));
        return (string)body["access_token"]!;
    }

    public static async Task<HttpResponseMessage> SendAsync(this OAuth2Harness oauth, HttpMethod method, string path, string? token, Resource? body = null, string? accept = null, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJson(), Encoding.UTF8, "application/fhir+json");
        }

        adjust?.Invoke(request);
        return await oauth.Client.SendAsync(request);
    }

    /// <summary>The resource in a response, which must validate against the base R4 profiles.</summary>
    public static async Task<T> ResourceAsync<T>(this HttpResponseMessage response) where T : Resource
    {
        var text = await response.Content.ReadAsStringAsync();
        Resource? resource;
        IEnumerable<CodedException> issues;
        if (response.Content.Headers.ContentType?.MediaType == "application/fhir+xml")
        {
            using var reader = System.Xml.XmlReader.Create(new StringReader(text));
            Assert.True(Xml.TryDeserializeResource(reader, out resource, out issues), text);
        }
        else
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
            Assert.True(Json.TryDeserializeResource(ref reader, out resource, out issues), text);
        }

        AssertValid(resource!);
        return Assert.IsType<T>(resource);
    }

    public static void AssertValid(Resource resource)
    {
        OperationOutcome outcome;
        lock (ValidatorGate)
        {
            outcome = SharedValidator.Value.Validate(resource, null!);
        }

        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        Assert.True(errors.Count == 0, $"{resource.TypeName} does not validate: " + string.Join("; ", errors.Select(e => $"{e.Details?.Text ?? e.Diagnostics} at {string.Join(",", e.Expression)}")));
    }
}
