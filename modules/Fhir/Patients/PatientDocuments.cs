using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Modules.Fhir.Http;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Modules.Fhir.Patients;

/// <summary>
/// Serialized Patient resources, kept alongside the record they were made from. The host hands out the
/// same <see cref="PatientRecord"/> instance until the patient changes, so a document lives exactly as
/// long as its record and a change can never be served from here.
/// </summary>
public sealed class PatientDocuments(FhirFormats formats)
{
    private readonly ConditionalWeakTable<PatientRecord, ConcurrentDictionary<(string Format, bool Pretty), byte[]>> _documents = [];

    public byte[] Get(PatientRecord record, string format, bool pretty) =>
        _documents.GetOrCreateValue(record).GetOrAdd((format, pretty), key => formats.Serialize(PatientMapping.ToFhir(record), key.Format, key.Pretty));
}

/// <summary>A Patient read answer, in the negotiated format, from <see cref="PatientDocuments"/>.</summary>
public sealed class PatientDocumentResult(PatientRecord record, Action<HttpResponse> headers) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var (format, pretty) = FhirResult.Representation(httpContext.Request);
        var body = httpContext.RequestServices.GetRequiredService<PatientDocuments>().Get(record, format, pretty);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        headers(httpContext.Response);
        return FhirFormats.WriteAsync(httpContext.Response, body, format);
    }
}
