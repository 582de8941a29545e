using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;
using ModularEmr.Modules.Fhir.Access;
using ModularEmr.Modules.Fhir.Conformance;
using ModularEmr.Modules.Fhir.Contributed;
using ModularEmr.Modules.Fhir.Http;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;
using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Modules.Fhir.Patients;

/// <summary>The FHIR R4 RESTful API at <c>/ws/fhir</c>.</summary>
public static class FhirApi
{
    public const string BasePath = "/ws/fhir";

    private const string Realm = "fhir";
    /// <summary>The refusal of another patient's record to a token whose <c>patient/</c> scope has one in context.</summary>
    internal static readonly FhirMessage OutsidePatientContext = new(nameof(OutsidePatientContext));

    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder endpoints)
    {
        var fhir = endpoints.MapGroup(BasePath).DisableAntiforgery().AddEndpointFilter(NegotiateFormat);
        fhir.MapGet("/metadata", (HttpRequest request, ContributedResources contributed) => new FhirResult(CapabilityStatementFactory.Create(BaseUrl(request), contributed)));
        fhir.MapGet("/.well-known/smart-configuration", (HttpRequest request) => Results.Json(SmartConfiguration.Create(request)));

        var secured = fhir.MapGroup(string.Empty).RequireBearerToken(options =>
        {
            options.Realm = Realm;
            options.Refuse = static (_, refusal) => Outcome.Error(
                refusal.StatusCode,
                refusal.StatusCode switch
                {
                    StatusCodes.Status403Forbidden => OperationOutcome.IssueType.Forbidden,
                    StatusCodes.Status400BadRequest => OperationOutcome.IssueType.Invalid,
                    _ => OperationOutcome.IssueType.Login,
                },
                refusal.Text);
        });
        secured.MapGet("/Patient/{id}", ReadAsync);
        secured.MapGet("/Patient", SearchAsync);
        secured.MapPost("/Patient", CreateAsync);
        secured.MapPut("/Patient/{id}", UpdateAsync);
        secured.MapMethods("/Patient/{id}", [HttpMethods.Delete, HttpMethods.Patch], (string id, IStringLocalizer<FhirText> text) =>
            Outcome.Error(StatusCodes.Status405MethodNotAllowed, OperationOutcome.IssueType.NotSupported, text["NotDeletedOrPatched"]));
        secured.MapContributedResources();
        fhir.MapFallback("/{**path}", (string? path, IStringLocalizer<FhirText> text) =>
            Outcome.Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotSupported, text["UnknownPath", path ?? string.Empty, BasePath]));
        return endpoints;
    }

    /// <summary>406 before any work when the client accepts none of our formats (FHIR R4 §3.1.0.1.2).</summary>
    private static async ValueTask<object?> NegotiateFormat(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (FhirFormats.Negotiate(request) is null)
        {
            // The refusal itself goes out as JSON, the format every FHIR client reads.
            request.Query = new QueryCollection(request.Query.Where(q => q.Key != "_format").ToDictionary(q => q.Key, q => q.Value));
            request.Headers.Accept = FhirFormats.Json;
            var text = context.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<FhirText>>();
            return Outcome.Error(StatusCodes.Status406NotAcceptable, OperationOutcome.IssueType.NotSupported, text["NotAcceptable"]);
        }

        return await next(context);
    }

    private static async Task<IResult> ReadAsync(string id, HttpContext http, IPatientRecords patients, IUserAccounts accounts, IStringLocalizer<FhirText> text)
    {
        var access = await ResourceAccess.ToPatientsAsync(http.GetAccessToken()!, Interaction.Read, accounts, http.RequestAborted);
        if (!access.Allowed)
        {
            return Forbidden(http, text, access.Refusal!, access.RequiredScopes);
        }

        if (!Guid.TryParse(id, out var uuid) || await patients.GetAsync(uuid, http.RequestAborted) is not { } record)
        {
            return Outcome.Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, text["PatientNotFound", id]);
        }

        if (access.OnlyPatient is { } only && only != uuid)
        {
            return Forbidden(http, text, OutsidePatientContext);
        }

        if (record.Voided)
        {
            return Outcome.Error(StatusCodes.Status410Gone, OperationOutcome.IssueType.Deleted, text["PatientVoided", id]);
        }

        var etag = ETag(record);
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == etag.Tag))
        {
            SetVersionHeaders(http.Response, record);
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return new PatientDocumentResult(record, response => SetVersionHeaders(response, record));
    }

    private static async Task<IResult> SearchAsync(HttpContext http, IPatientRecords patients, IUserAccounts accounts, IStringLocalizer<FhirText> text)
    {
        var access = await ResourceAccess.ToPatientsAsync(http.GetAccessToken()!, Interaction.Search, accounts, http.RequestAborted);
        if (!access.Allowed)
        {
            return Forbidden(http, text, access.Refusal!, access.RequiredScopes);
        }

        var parsed = PatientSearch.Parse(http.Request.Query, text);
        if (parsed.Problems.Count > 0)
        {
            return Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, text["SearchInvalid"], parsed.Problems);
        }

        if (parsed.Unknown.Count > 0 && !Lenient(http.Request))
        {
            return Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.NotSupported,
                text["SearchUnknown", string.Join(", ", parsed.Unknown), string.Join(", ", PatientSearch.Supported.Select(p => p.Name))]);
        }

        var criteria = parsed.Criteria;
        if (access.OnlyPatient is { } only)
        {
            criteria = criteria with { Uuids = criteria.Uuids is null || criteria.Uuids.Contains(only) ? [only] : [] };
        }

        Page<PatientRecord> page;
        try
        {
            page = await patients.FindAsync(criteria, http.RequestAborted);
        }
        catch (RecordValidationException invalid)
        {
            return Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, invalid.Message);
        }

        var baseUrl = BaseUrl(http.Request);
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Searchset,
            // Left out when not counted (_total=none, or more matches than an estimate counts).
            Total = page.TotalKnown ? page.Total : null,
            Meta = new Meta { LastUpdated = DateTimeOffset.UtcNow },
        };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = PageUrl(http.Request, keep: true) });
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "first", Url = PageUrl(http.Request) });

        // Next and previous pages are positions in the search order, not offsets: following them costs one
        // index range however deep the page, and records added meanwhile neither repeat nor skip a match.
        if (page.NextCursor is { } next && criteria.Count > 0)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = PageUrl(http.Request, PatientSearch.After, next) });
        }

        if (page.PreviousCursor is { } previous && criteria.Count > 0)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "previous", Url = PageUrl(http.Request, PatientSearch.Before, previous) });
        }

        foreach (var record in page.Items)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/Patient/{record.Uuid}",
                Resource = PatientMapping.ToFhir(record),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        if (parsed.Unknown.Count > 0)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = Outcome.Warning(OperationOutcome.IssueType.NotSupported, text["SearchIgnored", string.Join(", ", parsed.Unknown)]),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        return new FhirResult(bundle);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IPatientRecords patients, IUserAccounts accounts, FhirFormats formats, TimeProvider clock, IStringLocalizer<FhirText> text)
    {
        var token = http.GetAccessToken()!;
        var access = await ResourceAccess.ToPatientsAsync(token, Interaction.Create, accounts, http.RequestAborted);
        if (!access.Allowed)
        {
            return Forbidden(http, text, access.Refusal!, access.RequiredScopes);
        }

        var (read, unreadable) = await ReadPatientAsync(http, formats, text);
        if (read is null)
        {
            return unreadable!;
        }

        var (gender, birthdate, estimated, _, _, names, problems) = PatientMapping.FromFhir(read, Today(clock), text);
        var identifiers = new List<NewPatientIdentifier>();
        var types = await patients.ListIdentifierTypesAsync(http.RequestAborted);
        foreach (var (identifier, index) in read.Identifier.Select((x, i) => (x, i)))
        {
            var type = types.FirstOrDefault(t => t.SystemUri == identifier.System);
            if (type is null)
            {
                problems.Add(text["IdentifierSystemUnknown", index, identifier.System ?? string.Empty, string.Join(", ", types.Select(t => t.SystemUri))]);
                continue;
            }

            identifiers.Add(new NewPatientIdentifier(type.Name, identifier.Value ?? string.Empty, identifier.Use == Identifier.IdentifierUse.Official));
        }

        if (problems.Count > 0)
        {
            return Outcome.Error(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Processing, text["PatientNotStored"], problems);
        }

        try
        {
            var created = await patients.CreateAsync(new NewPatient(gender, birthdate, estimated, names.Select(n => n.Name).ToList(), identifiers), token.UserUuid, http.RequestAborted);
            var location = $"{BaseUrl(http.Request)}/Patient/{created.Uuid}/_history/{PatientMapping.VersionId(created)}";
            return new FhirResult(PatientMapping.ToFhir(created), StatusCodes.Status201Created)
            {
                Headers = response =>
                {
                    SetVersionHeaders(response, created);
                    response.Headers.Location = location;
                },
            };
        }
        catch (RecordValidationException invalid)
        {
            return Outcome.Error(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Processing, invalid.Message, invalid.FieldErrors.SelectMany(f => f.Value.Select(m => $"{f.Key}: {m}")));
        }
        catch (RecordNotSavedException notSaved)
        {
            return NotSaved(notSaved);
        }
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, IPatientRecords patients, IUserAccounts accounts, FhirFormats formats, TimeProvider clock, IStringLocalizer<FhirText> text)
    {
        var token = http.GetAccessToken()!;
        var access = await ResourceAccess.ToPatientsAsync(token, Interaction.Update, accounts, http.RequestAborted);
        if (!access.Allowed)
        {
            return Forbidden(http, text, access.Refusal!, access.RequiredScopes);
        }

        if (!Guid.TryParse(id, out var uuid) || (access.OnlyPatient is { } only && only != uuid))
        {
            return access.OnlyPatient is null
                ? Outcome.Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, text["PatientNotFound", id])
                : Forbidden(http, text, OutsidePatientContext);
        }

        var (read, unreadable) = await ReadPatientAsync(http, formats, text);
        if (read is null)
        {
            return unreadable!;
        }

        if (read.Id != id)
        {
            return Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, text["IdMismatch", read.Id ?? string.Empty, id]);
        }

        int? expected = null;
        if (http.Request.GetTypedHeaders().IfMatch is { Count: > 0 } ifMatch)
        {
            if (!int.TryParse(ifMatch[0].Tag.Value?.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, text["IfMatchInvalid"]);
            }

            expected = version;
        }

        // A voided patient is not found for an update, whatever version the client names.
        if (await patients.GetAsync(uuid, http.RequestAborted) is not { Voided: false, Person.Voided: false } current)
        {
            return NotFoundForUpdate(id, text);
        }

        if (expected is { } stale && stale != current.Person.Version)
        {
            return Outcome.Error(StatusCodes.Status412PreconditionFailed, OperationOutcome.IssueType.Conflict, text["VersionMismatch", id, current.Person.Version, stale]);
        }

        // What the client left unchanged is kept as stored in this version; the update applies only to it.
        var (gender, birthdate, estimated, dead, deathDate, names, problems) = PatientMapping.FromFhir(read, Today(clock), text, current.Person);
        if (problems.Count > 0)
        {
            return Outcome.Error(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Processing, text["PatientNotStored"], problems);
        }

        try
        {
            var updated = await patients.UpdateAsync(uuid, new PatientUpdate(gender, birthdate, estimated, dead, deathDate, names), current.Person.Version, token.UserUuid, http.RequestAborted);
            return new FhirResult(PatientMapping.ToFhir(updated)) { Headers = response => SetVersionHeaders(response, updated) };
        }
        catch (RecordNotFoundException)
        {
            return NotFoundForUpdate(id, text);
        }
        catch (RecordValidationException invalid)
        {
            return Outcome.Error(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Processing, invalid.Message, invalid.FieldErrors.SelectMany(f => f.Value.Select(m => $"{f.Key}: {m}")));
        }
        catch (RecordVersionConflictException conflict)
        {
            return expected is null
                ? Outcome.Error(StatusCodes.Status409Conflict, OperationOutcome.IssueType.Conflict, conflict.Message)
                : Outcome.Error(StatusCodes.Status412PreconditionFailed, OperationOutcome.IssueType.Conflict, conflict.Message);
        }
        catch (RecordNotSavedException notSaved)
        {
            return NotSaved(notSaved);
        }
    }

    /// <summary>The write was valid but not committed: nothing was stored, and the client may send it again.</summary>
    private static FhirResult NotSaved(RecordNotSavedException notSaved) =>
        new(Outcome.Error(StatusCodes.Status503ServiceUnavailable, OperationOutcome.IssueType.Transient, notSaved.Message).Resource, StatusCodes.Status503ServiceUnavailable)
        {
            Headers = response => response.Headers.RetryAfter = "1",
        };

    private static FhirResult NotFoundForUpdate(string id, IStringLocalizer<FhirText> text) =>
        Outcome.Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, text["PatientNotFoundForUpdate", id]);

    private static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// A 403 the access rules decided (scope, privilege or patient context), with the same RFC 6750 §3.1
    /// challenge the bearer filter gives: <c>insufficient_scope</c>, and the scopes that would do when a scope is missing.
    /// </summary>
    internal static FhirResult Forbidden(HttpContext http, IStringLocalizer<FhirText> text, FhirMessage refusal, IReadOnlyList<string>? sufficientScopes = null)
    {
        BearerChallenge.Write(http.Response, Realm, new BearerTokenRefusal(StatusCodes.Status403Forbidden, "insufficient_scope", refusal.InEnglish(), sufficientScopes));
        return Outcome.Error(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, refusal.In(text));
    }

    /// <summary>The Patient in the body, or the refusal (415, 400) that says why there is none.</summary>
    private static async Task<(Patient? Patient, IResult? Refusal)> ReadPatientAsync(HttpContext http, FhirFormats formats, IStringLocalizer<FhirText> text)
    {
        if (FhirFormats.BodyFormat(http.Request) is not { } format)
        {
            return (null, Outcome.Error(StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, text["UnsupportedMediaType"]));
        }

        var (resource, problems) = await formats.ReadAsync(http.Request, format, text);
        return resource switch
        {
            Patient patient => (patient, null),
            null => (null, Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Structure, text["BodyNotResource"], problems)),
            _ => (null, Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, text["ExpectedPatient", resource.TypeName])),
        };
    }

    private static EntityTagHeaderValue ETag(PatientRecord record) => new($"\"{PatientMapping.VersionId(record)}\"", isWeak: true);

    private static void SetVersionHeaders(HttpResponse response, PatientRecord record)
    {
        response.Headers.ETag = ETag(record).ToString();
        response.Headers.LastModified = PatientMapping.LastUpdated(record).ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Whether the client asked that unknown search parameters be ignored (<c>Prefer: handling=lenient</c>, FHIR R4 §3.1.1.5.1).</summary>
    internal static bool Lenient(HttpRequest request) =>
        request.Headers["Prefer"].Any(p => p?.Replace(" ", string.Empty, StringComparison.Ordinal).Contains("handling=lenient", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The FHIR base URL clients use: the public origin (never the request's Host header) and <see cref="BasePath"/>.</summary>
    public static string BaseUrl(HttpRequest request) => request.HttpContext.RequestServices.GetRequiredService<IPublicOrigin>().For(request) + BasePath;

    /// <summary>This search's URL: as asked (<paramref name="keep"/>), from the start, or at the page position given.</summary>
    internal static string PageUrl(HttpRequest request, string? position = null, string? cursor = null, bool keep = false, string resourceType = "Patient")
    {
        // Each repetition of a parameter stays one (FHIR "and"): joined with commas it would become "or".
        var query = request.Query
            .Where(q => keep || q.Key is not ("_offset" or PatientSearch.After or PatientSearch.Before))
            .SelectMany(q => q.Value.Select(value => KeyValuePair.Create(q.Key, value)));
        if (position is not null)
        {
            query = query.Append(KeyValuePair.Create(position, cursor));
        }

        return $"{BaseUrl(request)}/{resourceType}{QueryString.Create(query)}";
    }
}
