using System.Xml;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Modules.Fhir.Http;

/// <summary>A FHIR resource as an HTTP answer, in the negotiated format.</summary>
public sealed class FhirResult(Resource resource, int statusCode = StatusCodes.Status200OK) : IResult
{
    public Resource Resource { get; } = resource;

    public int StatusCode { get; } = statusCode;

    public Action<HttpResponse>? Headers { get; init; }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var formats = httpContext.RequestServices.GetRequiredService<FhirFormats>();
        var (format, pretty) = Representation(httpContext.Request);
        httpContext.Response.StatusCode = StatusCode;
        Headers?.Invoke(httpContext.Response);
        return formats.WriteAsync(httpContext.Response, Resource, format, pretty);
    }

    /// <summary>The negotiated format (JSON unless the client asked for XML) and whether to indent (<c>_pretty</c>).</summary>
    public static (string Format, bool Pretty) Representation(HttpRequest request) =>
        (FhirFormats.Negotiate(request) ?? FhirFormats.Json, request.Query.TryGetValue("_pretty", out var value) && value == "true");
}

/// <summary>Every FHIR error is an OperationOutcome (FHIR R4 §3.1.0.4) with a fitting issue code.</summary>
public static class Outcome
{
    public static FhirResult Error(int status, OperationOutcome.IssueType code, string diagnostics, IEnumerable<string>? details = null)
    {
        var outcome = new OperationOutcome();
        outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = Printable(diagnostics) });
        foreach (var detail in details ?? [])
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = Printable(detail) });
        }

        return new FhirResult(outcome, status);
    }

    /// <summary>
    /// Diagnostics often quote what the client sent (a path, an id, a parser's complaint about the body);
    /// a control character there cannot be written as XML 1.0 and the error would become a 500. Such
    /// characters are shown as U+FFFD.
    /// </summary>
    private static string Printable(string text) =>
        text.All(XmlConvert.IsXmlChar) ? text : string.Concat(text.Select(c => XmlConvert.IsXmlChar(c) || char.IsSurrogate(c) ? c : '\uFFFD'));

    public static OperationOutcome Warning(OperationOutcome.IssueType code, string diagnostics) => new()
    {
        Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Warning, Code = code, Diagnostics = diagnostics }],
    };
}
