using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;

using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Modules.Fhir.Http;

/// <summary>The wire formats of FHIR R4 §3.1.0.1: JSON (default) and XML, chosen by <c>_format</c> or <c>Accept</c>.</summary>
public sealed class FhirFormats
{
    public const string Json = "application/fhir+json";
    public const string Xml = "application/fhir+xml";

    private static readonly string[] JsonNames = ["json", "application/json", Json, "text/json"];
    private static readonly string[] XmlNames = ["xml", "application/xml", Xml, "text/xml"];

    // Firely's serializers are thread-safe and costly to build: one of each for the process.
    private readonly FhirJsonSerializer _json = new();
    private readonly FhirXmlSerializer _xml = new();
    private readonly FhirJsonDeserializer _jsonReader = new(new DeserializerSettings());
    private readonly FhirXmlDeserializer _xmlReader = new(new DeserializerSettings());

    /// <summary>The response format the client asked for, or null when it accepts none of ours (406).</summary>
    public static string? Negotiate(HttpRequest request)
    {
        if (request.Query.TryGetValue("_format", out var format) && !string.IsNullOrEmpty(format))
        {
            var name = format.ToString().Split(';')[0].Trim();
            return JsonNames.Contains(name, StringComparer.OrdinalIgnoreCase) ? Json
                : XmlNames.Contains(name, StringComparer.OrdinalIgnoreCase) ? Xml
                : null;
        }

        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return Json;
        }

        foreach (var media in accept.Where(a => a.Quality is not 0).OrderByDescending(a => a.Quality ?? 1))
        {
            var type = media.MediaType.Value ?? string.Empty;
            if (JsonNames.Contains(type, StringComparer.OrdinalIgnoreCase) || type is "*/*" or "application/*")
            {
                return Json;
            }

            if (XmlNames.Contains(type, StringComparer.OrdinalIgnoreCase))
            {
                return Xml;
            }
        }

        return null;
    }

    /// <summary>The format of a request body, or null when it is not one of ours (415).</summary>
    public static string? BodyFormat(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType))
        {
            return null;
        }

        var type = contentType.MediaType.Value ?? string.Empty;
        return JsonNames.Contains(type, StringComparer.OrdinalIgnoreCase) ? Json : XmlNames.Contains(type, StringComparer.OrdinalIgnoreCase) ? Xml : null;
    }

    public Task WriteAsync(HttpResponse response, Resource resource, string format, bool pretty) =>
        WriteAsync(response, Serialize(resource, format, pretty), format);

    public static async Task WriteAsync(HttpResponse response, ReadOnlyMemory<byte> body, string format)
    {
        response.ContentType = format + "; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, response.HttpContext.RequestAborted);
    }

    public byte[] Serialize(Resource resource, string format, bool pretty)
    {
        using var buffer = new MemoryStream();
        if (format == Xml)
        {
            using var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Indent = pretty, Encoding = new UTF8Encoding(false), Async = false });
            _xml.Serialize(resource, writer, null, null);
        }
        else
        {
            // Relaxed escaping: '+' and quotes in text stay readable; the body is JSON served as JSON.
            using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = pretty, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            _json.Serialize(resource, writer, null);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a resource from the body; on failure, the problems in words (the parser's own are English).</summary>
    public async Task<(Resource? Resource, IReadOnlyList<string> Problems)> ReadAsync(HttpRequest request, string format, IStringLocalizer<FhirText> text)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length == 0)
        {
            return (null, [text["BodyMissing"]]);
        }

        try
        {
            if (format == Xml)
            {
                buffer.Position = 0;
                using var reader = XmlReader.Create(buffer, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
                return _xmlReader.TryDeserializeResource(reader, out var xmlResource, out var xmlIssues)
                    ? (xmlResource, [])
                    : (null, xmlIssues.Select(i => i.Message).ToList());
            }

            var json = new Utf8JsonReader(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            if (!StartsWithObject(json))
            {
                return (null, [text["BodyNotOneResource"]]);
            }

            return _jsonReader.TryDeserializeResource(ref json, out var jsonResource, out var jsonIssues)
                ? (jsonResource, [])
                : (null, jsonIssues.Select(i => i.Message).ToList());
        }
        // Firely reports some shapes it cannot parse (an array where an object belongs) by throwing
        // InvalidOperationException rather than as an issue; either way the body is the client's error.
        catch (Exception ex) when (ex is JsonException or XmlException or FormatException or InvalidOperationException)
        {
            return (null, [ex.Message]);
        }
    }

    /// <summary>
    /// A resource another module contributed, as FHIR R4 JSON, read with the same strict parser as a
    /// client's body; on failure, the parser's problems (a fault of that module, not of the client).
    /// </summary>
    public (Resource? Resource, IReadOnlyList<string> Problems) ReadContributed(JsonObject json)
    {
        var reader = new Utf8JsonReader(JsonSerializer.SerializeToUtf8Bytes(json));
        try
        {
            return _jsonReader.TryDeserializeResource(ref reader, out var resource, out var issues)
                ? (resource, [])
                : (null, issues.Select(i => i.Message).ToList());
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return (null, [ex.Message]);
        }
    }

    /// <summary>Whether the JSON text opens with an object (a copy of the reader looks; the original is left at the start).</summary>
    private static bool StartsWithObject(Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.StartObject;
}
