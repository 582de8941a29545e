using System.Globalization;
using System.Runtime.Loader;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using ModularEmr.Modules.Fhir.Access;
using ModularEmr.Modules.Fhir.Http;
using ModularEmr.Modules.Fhir.Patients;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Fhir;
using ModularEmr.Sdk.Security;
using Task = System.Threading.Tasks.Task;

namespace ModularEmr.Modules.Fhir.Contributed;

/// <summary>
/// Read and search of the types other modules contribute (<c>/ws/fhir/AllergyIntolerance</c>), and
/// <c>Patient/{id}/$everything</c>. The same rules as Patient: the bearer filter of the group, SMART scopes
/// for the type, the patient in context, formats, paging and OperationOutcome errors; the module only finds
/// its resources.
/// </summary>
public static partial class ContributedResourceApi
{
    /// <summary>The most resources one <c>$everything</c> gathers; past it the bundle says it stopped.</summary>
    public const int EverythingLimit = 1000;

    private const int EverythingPage = 100;

    /// <summary>Maps each contributed type on <paramref name="secured"/>, the FHIR group behind the bearer filter.</summary>
    public static RouteGroupBuilder MapContributedResources(this RouteGroupBuilder secured)
    {
        foreach (var contribution in ((IEndpointRouteBuilder)secured).ServiceProvider.GetRequiredService<ContributedResources>().All)
        {
            var type = contribution.Definition.Type;
            secured.MapGet($"/{type}/{{id}}", (string id, HttpContext http, IUserAccounts accounts, FhirFormats formats, IStringLocalizer<FhirText> text, ILogger<ContributedResources> log) =>
                ReadAsync(contribution, id, http, accounts, formats, text, log));
            secured.MapGet($"/{type}", (HttpContext http, IUserAccounts accounts, FhirFormats formats, IStringLocalizer<FhirText> text, ILogger<ContributedResources> log) =>
                SearchAsync(contribution, http, accounts, formats, text, log));
            secured.MapMethods($"/{type}/{{id}}", [HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch], (IStringLocalizer<FhirText> text) => ReadOnly(type, text));
            secured.MapPost($"/{type}", (IStringLocalizer<FhirText> text) => ReadOnly(type, text));
        }

        secured.MapGet("/Patient/{id}/$everything", EverythingAsync);
        return secured;
    }

    private static FhirResult ReadOnly(string type, IStringLocalizer<FhirText> text) =>
        Outcome.Error(StatusCodes.Status405MethodNotAllowed, OperationOutcome.IssueType.NotSupported, text["ContributedReadOnly", type]);

    private static async Task<IResult> ReadAsync(FhirResourceContribution contribution, string id, HttpContext http, IUserAccounts accounts, FhirFormats formats, IStringLocalizer<FhirText> text, ILogger log)
    {
        var definition = contribution.Definition;
        var access = await ResourceAccess.DecideAsync(http.GetAccessToken()!, definition.Type, Interaction.Read, definition.ReadPrivilege, accounts, http.RequestAborted);
        if (!access.Allowed)
        {
            return FhirApi.Forbidden(http, text, access.Refusal!, access.RequiredScopes);
        }

        FhirResourceDocument? document;
        using (AssemblyLoadContext.EnterContextualReflection(contribution.ProviderType.Assembly))
        {
            document = await contribution.Provider(http.RequestServices).ReadAsync(id, http.RequestAborted);
        }

        // FHIR ids are case-sensitive: a provider that finds its resource under another spelling of the id
        // (an upper-case uuid) has not found the one asked for.
        if (document is null || document.Id != id)
        {
            return Outcome.Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, text["ResourceNotFound", definition.Type, id]);
        }

        if (access.OnlyPatient is { } only && document.Patient != only)
        {
            return FhirApi.Forbidden(http, text, FhirApi.OutsidePatientContext);
        }

        if (Convert(contribution, document, formats, log) is not { } resource)
        {
            return Invalid(contribution, text);
        }

        if (resource.Meta?.VersionId is { } version)
        {
            var etag = new EntityTagHeaderValue($"\"{version}\"", isWeak: true);
            void SetVersion(HttpResponse response)
            {
                response.Headers.ETag = etag.ToString();
                if (resource.Meta.LastUpdated is { } updated)
                {
                    response.Headers.LastModified = updated.ToString("R", CultureInfo.InvariantCulture);
                }
            }

            if (http.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == etag.Tag))
            {
                SetVersion(http.Response);
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            return new FhirResult(resource) { Headers = SetVersion };
        }

        return new FhirResult(resource);
    }

    private static async Task<IResult> SearchAsync(FhirResourceContribution contribution, HttpContext http, IUserAccounts accounts, FhirFormats formats, IStringLocalizer<FhirText> text, ILogger log)
    {
        var definition = contribution.Definition;
        var access = await ResourceAccess.DecideAsync(http.GetAccessToken()!, definition.Type, Interaction.Search, definition.ReadPrivilege, accounts, http.RequestAborted);
        if (!access.Allowed)
        {
            return FhirApi.Forbidden(http, text, access.Refusal!, access.RequiredScopes);
        }

        var query = ContributedSearchQuery.Parse(http.Request.Query, definition, text);
        if (query.Problems.Count > 0)
        {
            return Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, text["SearchInvalid"], query.Problems);
        }

        if (query.Unknown.Count > 0 && !FhirApi.Lenient(http.Request))
        {
            return Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.NotSupported,
                text["SearchUnknown", string.Join(", ", query.Unknown), string.Join(", ", definition.SearchParameters.Select(p => p.Name).Append("_count"))]);
        }

        var patient = query.Patient;
        if (access.OnlyPatient is { } only)
        {
            // A patient/ scope sees its own compartment, whether or not the search names it.
            if ((patient is { } named && named != only) || definition.PatientParameter is null)
            {
                return FhirApi.Forbidden(http, text, FhirApi.OutsidePatientContext);
            }

            patient = only;
        }

        FhirResourcePage page;
        try
        {
            using (AssemblyLoadContext.EnterContextualReflection(contribution.ProviderType.Assembly))
            {
                page = await contribution.Provider(http.RequestServices).SearchAsync(new FhirSearch(patient, query.Parameters, query.Count, query.After), http.RequestAborted);
            }
        }
        catch (FhirSearchException refused)
        {
            return Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, text["SearchInvalid"], [$"{refused.Parameter}: {refused.Message}"]);
        }

        var baseUrl = FhirApi.BaseUrl(http.Request);
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Searchset,
            Total = page.Total,
            Meta = new Meta { LastUpdated = DateTimeOffset.UtcNow },
        };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = FhirApi.PageUrl(http.Request, keep: true, resourceType: definition.Type) });
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "first", Url = FhirApi.PageUrl(http.Request, resourceType: definition.Type) });
        if (page.NextCursor is { } next && query.Count > 0)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = FhirApi.PageUrl(http.Request, PatientSearch.After, next, resourceType: definition.Type) });
        }

        foreach (var document in page.Items)
        {
            // A provider that ignored the patient it was given must not leak another patient's resource.
            if (patient is { } limited && document.Patient != limited)
            {
                OtherPatientLeftOut(log, contribution.ModuleId, definition.Type, document.Id);
                continue;
            }

            if (Convert(contribution, document, formats, log) is not { } resource)
            {
                return Invalid(contribution, text);
            }

            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{definition.Type}/{document.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        if (query.Unknown.Count > 0)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = Outcome.Warning(OperationOutcome.IssueType.NotSupported, text["SearchIgnored", string.Join(", ", query.Unknown)]),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        return new FhirResult(bundle);
    }

    /// <summary>
    /// FHIR R4 Patient/$everything: the Patient and every contributed resource in its compartment the token
    /// may read, in one searchset; types its scopes do not cover are named in an informational outcome.
    /// </summary>
    private static async Task<IResult> EverythingAsync(
        string id, HttpContext http, IPatientRecords patients, IUserAccounts accounts, ContributedResources contributed, FhirFormats formats, IStringLocalizer<FhirText> text, ILogger<ContributedResources> log)
    {
        var token = http.GetAccessToken()!;
        var access = await ResourceAccess.ToPatientsAsync(token, Interaction.Read, accounts, http.RequestAborted);
        if (!access.Allowed)
        {
            return FhirApi.Forbidden(http, text, access.Refusal!, access.RequiredScopes);
        }

        if (http.Request.Query.Keys.Where(k => k is not ("_format" or "_pretty")).ToList() is { Count: > 0 } parameters)
        {
            return Outcome.Error(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.NotSupported, text["EverythingParameters", string.Join(", ", parameters)]);
        }

        if (!Guid.TryParse(id, out var uuid) || await patients.GetAsync(uuid, http.RequestAborted) is not { } record)
        {
            return Outcome.Error(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, text["PatientNotFound", id]);
        }

        if (access.OnlyPatient is { } only && only != uuid)
        {
            return FhirApi.Forbidden(http, text, FhirApi.OutsidePatientContext);
        }

        if (record.Voided)
        {
            return Outcome.Error(StatusCodes.Status410Gone, OperationOutcome.IssueType.Deleted, text["PatientVoided", id]);
        }

        var baseUrl = FhirApi.BaseUrl(http.Request);
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Meta = new Meta { LastUpdated = DateTimeOffset.UtcNow } };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = $"{baseUrl}/Patient/{uuid}/$everything" });
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = $"{baseUrl}/Patient/{uuid}",
            Resource = PatientMapping.ToFhir(record),
            Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
        });

        var leftOut = new List<string>();
        var gathered = 0;
        var stopped = false;
        foreach (var contribution in contributed.InPatientCompartment)
        {
            if (stopped)
            {
                break;
            }

            // Each type on its own terms: a patient/ scope for it covers only the patient in context, even when
            // a user/ scope let this Patient be read.
            var definition = contribution.Definition;
            var allowed = await ResourceAccess.DecideAsync(token, definition.Type, Interaction.Search, definition.ReadPrivilege, accounts, http.RequestAborted);
            if (!allowed.Allowed || (allowed.OnlyPatient is { } onlyFor && onlyFor != uuid))
            {
                leftOut.Add(definition.Type);
                continue;
            }

            string? after = null;
            do
            {
                FhirResourcePage page;
                using (AssemblyLoadContext.EnterContextualReflection(contribution.ProviderType.Assembly))
                {
                    page = await contribution.Provider(http.RequestServices).SearchAsync(
                        new FhirSearch(uuid, new Dictionary<string, IReadOnlyList<string>>(), EverythingPage, after), http.RequestAborted);
                }

                foreach (var document in page.Items)
                {
                    if (document.Patient != uuid)
                    {
                        OtherPatientLeftOut(log, contribution.ModuleId, definition.Type, document.Id);
                        continue;
                    }

                    if (gathered == EverythingLimit)
                    {
                        stopped = true;
                        break;
                    }

                    if (Convert(contribution, document, formats, log) is not { } resource)
                    {
                        return Invalid(contribution, text);
                    }

                    gathered++;
                    bundle.Entry.Add(new Bundle.EntryComponent
                    {
                        FullUrl = $"{baseUrl}/{definition.Type}/{document.Id}",
                        Resource = resource,
                        Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
                    });
                }

                // A provider that gives an empty page with a cursor would keep this loop going for ever.
                after = page.Items.Count > 0 ? page.NextCursor : null;
            }
            while (after is not null && !stopped);
        }

        if (!stopped)
        {
            bundle.Total = bundle.Entry.Count;
        }

        var outcome = new OperationOutcome();
        if (leftOut.Count > 0)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information,
                Code = OperationOutcome.IssueType.Suppressed,
                Diagnostics = text["EverythingLeftOut", string.Join(", ", leftOut)],
            });
        }

        if (stopped)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning,
                Code = OperationOutcome.IssueType.TooCostly,
                Diagnostics = text["EverythingStopped", EverythingLimit],
            });
        }

        if (outcome.Issue.Count > 0)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = outcome,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        return new FhirResult(bundle);
    }

    /// <summary>The provider's JSON as a resource of its type, or null (logged) when it is not one.</summary>
    private static Resource? Convert(FhirResourceContribution contribution, FhirResourceDocument document, FhirFormats formats, ILogger log)
    {
        var (resource, problems) = formats.ReadContributed(document.Resource);
        if (resource is not null && resource.TypeName == contribution.Definition.Type && resource.Id == document.Id)
        {
            return resource;
        }

        NotValid(
            log, contribution.ModuleId, contribution.Definition.Type, document.Id,
            problems.Count > 0 ? string.Join("; ", problems) : $"it is a {resource?.TypeName} with id '{resource?.Id}'");
        return null;
    }

    /// <summary>A module's fault, not the client's: 500, the details in the log, not in the answer.</summary>
    private static FhirResult Invalid(FhirResourceContribution contribution, IStringLocalizer<FhirText> text) =>
        Outcome.Error(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception, text["ContributedInvalid", contribution.ModuleId, contribution.Definition.Type]);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "The module {Module} returned {Type}/{Id} of another patient for a search limited to one; it was left out.")]
    private static partial void OtherPatientLeftOut(ILogger logger, string module, string type, string id);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "The module {Module} returned {Type}/{Id}, which is not a valid resource of that type and id: {Problems}")]
    private static partial void NotValid(ILogger logger, string module, string type, string id, string problems);
}
