using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Modules.Rest.Http;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Modules;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.Rest.Resources;

/// <summary>The REST resources: person, person/name, patient, user and role (OpenMRS webservices.rest 1.x URLs).</summary>
public static class RestApi
{
    public const string BasePath = "/ws/rest/v1";
    public const string DocumentName = "rest";
    private const int DefaultLimit = 50;
    private const int MaxLimit = 100;

    private const string Realm = "rest";

    private static readonly string[] NameFields = ["givenName", "middleName", "familyName", "familyName2", "prefix", "familyNamePrefix", "familyNameSuffix", "degree", "preferred"];

    public static IEndpointRouteBuilder MapRestApi(this IEndpointRouteBuilder endpoints)
    {
        var rest = endpoints.MapGroup(BasePath)
            .WithGroupName(DocumentName)
            .DisableAntiforgery()
            .AddEndpointFilter(RestBody.ReadAsync)
            .RequireBearerToken(options =>
            {
                options.Realm = Realm;
                options.ReadTokenFromBody = RestBody.TakeToken;
                options.Refuse = static (_, refusal) => RestError.Of(
                    refusal.StatusCode,
                    refusal.StatusCode switch
                    {
                        StatusCodes.Status401Unauthorized => RestError.Unauthorized,
                        StatusCodes.Status403Forbidden => RestError.Forbidden,
                        _ => RestError.BadRequest,
                    },
                    refusal.Text);
            });

        rest.MapGet("/person", SearchPersonsAsync).RequireScope(RestModule.ReadScope).WithSummary("Search persons by name (?q=)");
        rest.MapGet("/person/{uuid}", GetPersonAsync).RequireScope(RestModule.ReadScope).WithSummary("A person");
        rest.MapGet("/person/{uuid}/name", ListNamesAsync).RequireScope(RestModule.ReadScope).WithSummary("A person's names");
        rest.MapGet("/person/{uuid}/name/{nameUuid}", GetNameAsync).RequireScope(RestModule.ReadScope).WithSummary("One name of a person");
        rest.MapPost("/person/{uuid}/name", AddNameAsync).RequireScope(RestModule.WriteScope).WithSummary("Add a name; it becomes preferred unless preferred is false");
        rest.MapPost("/person/{uuid}/name/{nameUuid}", EditNameAsync).RequireScope(RestModule.WriteScope).WithSummary("Edit a name in place");
        rest.MapDelete("/person/{uuid}/name/{nameUuid}", VoidNameAsync).RequireScope(RestModule.WriteScope).WithSummary("Void a name (?reason=)");
        rest.MapGet("/patient", SearchPatientsAsync).RequireScope(RestModule.ReadScope).WithSummary("Search patients by name or identifier (?q=, ?identifier=)");
        rest.MapGet("/patient/{uuid}", GetPatientAsync).RequireScope(RestModule.ReadScope).WithSummary("A patient");
        rest.MapPost("/patient", CreatePatientAsync).RequireScope(RestModule.WriteScope).WithSummary("Create a patient with its person");
        rest.MapGet("/user", SearchUsersAsync).RequireScope(RestModule.ReadScope).WithSummary("Users (?q= username prefix)");
        rest.MapGet("/user/{uuid}", GetUserAsync).RequireScope(RestModule.ReadScope).WithSummary("A user");
        rest.MapGet("/role", ListRolesAsync).RequireScope(RestModule.ReadScope).WithSummary("Roles");
        rest.MapGet("/role/{uuid}", GetRoleAsync).RequireScope(RestModule.ReadScope).WithSummary("A role");
        return endpoints;
    }

    private static async Task<IResult> GetPersonAsync(string uuid, string? v, HttpContext http, IPersonRecords persons, IUserAccounts accounts)
    {
        if (await PersonAsync(uuid, persons, http) is not { } person)
        {
            return RestError.NotFoundUuid("person", uuid);
        }

        return await RefusalAsync(http, accounts, CorePrivileges.ViewPeople, person.Uuid) ?? Shape(http, v, r => r.Person(person));
    }

    private static async Task<IResult> SearchPersonsAsync(string? q, string? v, int? limit, int? startIndex, bool? totalCount, HttpContext http, IPersonRecords persons, IUserAccounts accounts)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Trim().Length < 2)
        {
            return RestError.Invalid("q", new RestMessage("SearchTextPerson"));
        }

        if (await RefusalAsync(http, accounts, CorePrivileges.ViewPeople) is { } refused)
        {
            return refused;
        }

        var (offset, count) = Paging(limit, startIndex);
        var page = await persons.SearchAsync(new RecordQuery(q, offset, count) { CountTotal = totalCount == true }, http.RequestAborted);
        return List(http, v, page, offset, count, totalCount == true, (r, p) => r.Person(p));
    }

    private static async Task<IResult> ListNamesAsync(string uuid, string? v, HttpContext http, IPersonRecords persons, IUserAccounts accounts)
    {
        if (await PersonAsync(uuid, persons, http) is not { } person)
        {
            return RestError.NotFoundUuid("person", uuid);
        }

        return await RefusalAsync(http, accounts, CorePrivileges.ViewPeople, person.Uuid)
            ?? Shape(http, v, r => new { results = person.Names.Where(n => !n.Voided).Select(n => r.Name(person.Uuid, n)).ToList() });
    }

    private static async Task<IResult> GetNameAsync(string uuid, string nameUuid, string? v, HttpContext http, IPersonRecords persons, IUserAccounts accounts)
    {
        if (await PersonAsync(uuid, persons, http) is not { } person
            || person.Names.FirstOrDefault(n => n.Uuid.ToString() == nameUuid && !n.Voided) is not { } name)
        {
            return RestError.NotFoundUuid("name", nameUuid);
        }

        return await RefusalAsync(http, accounts, CorePrivileges.ViewPeople, person.Uuid) ?? Shape(http, v, r => r.Name(person.Uuid, name));
    }

    private static async Task<IResult> AddNameAsync(string uuid, string? v, HttpContext http, IPersonRecords persons, IUserAccounts accounts)
    {
        // The person is not read first: the write finds it (or answers 404), and a person with thousands of
        // names costs no more to add a name to than any other.
        if (!Guid.TryParse(uuid, out var personUuid))
        {
            return RestError.NotFoundUuid("person", uuid);
        }

        if (await RefusalAsync(http, accounts, CorePrivileges.EditPeople, personUuid) is { } refused)
        {
            return refused;
        }

        var (input, error) = ReadName(RestBody.Get(http), existing: null);
        if (error is not null)
        {
            return error;
        }

        return await WriteAsync(
            http,
            async () =>
            {
                var added = await persons.AddNameAsync(personUuid, input!, http.GetAccessToken()!.UserUuid, http.RequestAborted);
                return Results.Created($"{BasePath}/person/{personUuid}/name/{added.Uuid}", new Representation(http.Request, DetailOf(v) ?? Detail.Default).Name(personUuid, added));
            },
            notFound: () => RestError.NotFoundUuid("person", uuid));
    }

    private static async Task<IResult> EditNameAsync(string uuid, string nameUuid, string? v, HttpContext http, IPersonRecords persons, IUserAccounts accounts)
    {
        if (await PersonAsync(uuid, persons, http) is not { } person
            || person.Names.FirstOrDefault(n => n.Uuid.ToString() == nameUuid && !n.Voided) is not { } existing)
        {
            return RestError.NotFoundUuid("name", nameUuid);
        }

        if (await RefusalAsync(http, accounts, CorePrivileges.EditPeople, person.Uuid) is { } refused)
        {
            return refused;
        }

        var (input, error) = ReadName(RestBody.Get(http), existing);
        if (error is not null)
        {
            return error;
        }

        return await WriteAsync(http, async () =>
        {
            var edited = await persons.UpdateNameAsync(person.Uuid, existing.Uuid, input!, http.GetAccessToken()!.UserUuid, http.RequestAborted);
            return Results.Ok(new Representation(http.Request, DetailOf(v) ?? Detail.Default).Name(person.Uuid, edited));
        });
    }

    private static async Task<IResult> VoidNameAsync(string uuid, string nameUuid, string? reason, HttpContext http, IPersonRecords persons, IUserAccounts accounts)
    {
        if (await PersonAsync(uuid, persons, http) is not { } person
            || person.Names.FirstOrDefault(n => n.Uuid.ToString() == nameUuid && !n.Voided) is not { } existing)
        {
            return RestError.NotFoundUuid("name", nameUuid);
        }

        if (http.Request.Query.ContainsKey("purge"))
        {
            return RestError.Of(StatusCodes.Status400BadRequest, RestError.BadRequest, new RestMessage("NoPurge"));
        }

        return await RefusalAsync(http, accounts, CorePrivileges.EditPeople, person.Uuid) ?? await WriteAsync(http, async () =>
        {
            // As webservices.rest does, a void without a reason records that it came from the API.
            await persons.VoidNameAsync(person.Uuid, existing.Uuid, string.IsNullOrWhiteSpace(reason) ? "web service call" : reason, http.GetAccessToken()!.UserUuid, http.RequestAborted);
            return Results.NoContent();
        });
    }

    private static async Task<IResult> GetPatientAsync(string uuid, string? v, HttpContext http, IPatientRecords patients, IUserAccounts accounts)
    {
        if (!Guid.TryParse(uuid, out var id) || await patients.GetAsync(id, http.RequestAborted) is not { Voided: false } patient)
        {
            return RestError.NotFoundUuid("patient", uuid);
        }

        return await RefusalAsync(http, accounts, CorePrivileges.ViewPatients, patient.Uuid) ?? Shape(http, v, r => r.Patient(patient));
    }

    private static async Task<IResult> SearchPatientsAsync(string? q, string? identifier, string? v, int? limit, int? startIndex, bool? totalCount, HttpContext http, IPatientRecords patients, IUserAccounts accounts)
    {
        var text = identifier ?? q;
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length < 2)
        {
            return RestError.Invalid("q", new RestMessage("SearchTextPatient"));
        }

        if (await RefusalAsync(http, accounts, CorePrivileges.ViewPatients) is { } refused)
        {
            return refused;
        }

        var (offset, count) = Paging(limit, startIndex);
        var page = identifier is not null
            ? await patients.FindAsync(new PatientCriteria { IdentifierValue = identifier, Offset = offset, Count = count, Total = totalCount == true ? TotalMode.Accurate : TotalMode.None }, http.RequestAborted)
            : await patients.SearchAsync(new RecordQuery(q, offset, count) { CountTotal = totalCount == true }, http.RequestAborted);
        return List(http, v, page, offset, count, totalCount == true, (r, p) => r.Patient(p));
    }

    private static async Task<IResult> CreatePatientAsync(string? v, HttpContext http, IPatientRecords patients, IUserAccounts accounts)
    {
        if (await RefusalAsync(http, accounts, CorePrivileges.AddPatients) is { } refused)
        {
            return refused;
        }

        var body = RestBody.Get(http);
        var errors = new Dictionary<string, RestMessage>(StringComparer.Ordinal);
        foreach (var unknown in body.Select(p => p.Key).Where(k => k is not "person" and not "identifiers"))
        {
            errors[unknown] = new RestMessage("UnknownProperty", unknown, "Patient");
        }

        if (body["person"] is not JsonObject person)
        {
            errors["person"] = new RestMessage("PersonRequired");
            return RestError.Invalid(errors);
        }

        foreach (var unknown in person.Select(p => p.Key).Where(k => k is not "gender" and not "birthdate" and not "birthdateEstimated" and not "names"))
        {
            errors[$"person.{unknown}"] = new RestMessage("UnknownProperty", unknown, "Person");
        }

        var names = new List<PersonNameInput>();
        foreach (var (node, index) in (person["names"] as JsonArray ?? []).Select((n, i) => (n, i)))
        {
            if (node is not JsonObject nameBody || ReadName(nameBody, null) is not (var name, null))
            {
                errors[$"person.names[{index}]"] = new RestMessage("NameShape");
                continue;
            }

            names.Add(name! with { Preferred = index == 0 });
        }

        var types = await patients.ListIdentifierTypesAsync(http.RequestAborted);
        var identifiers = new List<NewPatientIdentifier>();
        foreach (var (node, index) in (body["identifiers"] as JsonArray ?? []).Select((n, i) => (n, i)))
        {
            var typeText = (node as JsonObject)?["identifierType"] is JsonValue typeValue ? typeValue.ToString() : null;
            var type = types.FirstOrDefault(t => t.Uuid.ToString() == typeText || t.Name == typeText);
            if (node is not JsonObject || node["identifier"] is not JsonValue value || type is null)
            {
                errors[$"identifiers[{index}]"] = new RestMessage("IdentifierShape", string.Join(", ", types.Select(t => t.Name)));
                continue;
            }

            identifiers.Add(new NewPatientIdentifier(type.Name, value.ToString(), (node["preferred"] as JsonValue)?.ToString() is not "false"));
        }

        DateOnly? birthdate = null;
        if (person["birthdate"] is JsonValue birthText
            && DateOnly.TryParse(birthText.ToString()[..Math.Min(10, birthText.ToString().Length)], CultureInfo.InvariantCulture, out var parsed))
        {
            birthdate = parsed;
        }
        else if (person["birthdate"] is not null)
        {
            errors["person.birthdate"] = new RestMessage("BirthdateFormat");
        }

        if (errors.Count > 0)
        {
            return RestError.Invalid(errors);
        }

        return await WriteAsync(http, async () =>
        {
            var created = await patients.CreateAsync(
                new NewPatient((person["gender"] as JsonValue)?.ToString() ?? string.Empty, birthdate, (person["birthdateEstimated"] as JsonValue)?.ToString() == "true", names, identifiers),
                http.GetAccessToken()!.UserUuid,
                http.RequestAborted);
            return Results.Created($"{BasePath}/patient/{created.Uuid}", new Representation(http.Request, DetailOf(v) ?? Detail.Default).Patient(created));
        });
    }

    private static async Task<IResult> SearchUsersAsync(string? q, string? v, int? limit, int? startIndex, HttpContext http, IUserAccounts accounts)
    {
        if (await RefusalAsync(http, accounts, CorePrivileges.ViewUsers) is { } refused)
        {
            return refused;
        }

        var (offset, count) = Paging(limit, startIndex);
        var users = await accounts.SearchAsync(q, offset, count + 1, http.RequestAborted);
        var page = new Page<EmrUser>(users.Take(count).ToList(), offset + users.Count) { TotalKnown = false, HasMore = users.Count > count };
        return List(http, v, page, offset, count, totalCount: false, (r, u) => r.User(u));
    }

    private static async Task<IResult> GetUserAsync(string uuid, string? v, HttpContext http, IUserAccounts accounts)
    {
        if (!Guid.TryParse(uuid, out var id) || await accounts.FindByUuidAsync(id, http.RequestAborted) is not { } user)
        {
            return RestError.NotFoundUuid("user", uuid);
        }

        var self = http.GetAccessToken()!.UserUuid == user.Uuid;
        return (self ? null : await RefusalAsync(http, accounts, CorePrivileges.ViewUsers)) ?? Shape(http, v, r => r.User(user));
    }

    private static async Task<IResult> ListRolesAsync(string? v, HttpContext http, IUserAccounts accounts)
    {
        if (await RefusalAsync(http, accounts, CorePrivileges.ViewRoles) is { } refused)
        {
            return refused;
        }

        var roles = await accounts.ListRolesAsync(http.RequestAborted);
        return Shape(http, v, r => new { results = roles.Select(r.Role).ToList() });
    }

    private static async Task<IResult> GetRoleAsync(string uuid, string? v, HttpContext http, IUserAccounts accounts)
    {
        if (await RefusalAsync(http, accounts, CorePrivileges.ViewRoles) is { } refused)
        {
            return refused;
        }

        var role = (await accounts.ListRolesAsync(http.RequestAborted)).FirstOrDefault(r => r.Uuid.ToString() == uuid);
        return role is null ? RestError.NotFoundUuid("role", uuid) : Shape(http, v, r => r.Role(role));
    }

    /// <summary>
    /// What a token may do = its scopes (checked by the filter) ∩ the user's privileges. A user may always
    /// read and edit their own person record; a client-credentials token acts on its scopes alone.
    /// </summary>
    private static async Task<IResult?> RefusalAsync(HttpContext http, IUserAccounts accounts, string privilege, Guid? person = null)
    {
        var token = http.GetAccessToken()!;
        if (token.UserUuid is not { } userUuid)
        {
            return null;
        }

        var user = await accounts.FindByUuidAsync(userUuid, http.RequestAborted);
        if (user is { Retired: false } && ((person is not null && user.PersonUuid == person) || user.HasPrivilege(privilege)))
        {
            return null;
        }

        BearerChallenge.Write(http.Response, Realm, new BearerTokenRefusal(StatusCodes.Status403Forbidden, "insufficient_scope", EnglishText.Of<RestText>("UserLacksPrivilege", privilege)));
        return RestError.Of(StatusCodes.Status403Forbidden, RestError.Forbidden, new RestMessage("PrivilegesRequired", privilege));
    }

    private static async Task<PersonRecord?> PersonAsync(string uuid, IPersonRecords persons, HttpContext http) =>
        Guid.TryParse(uuid, out var id) && await persons.GetAsync(id, http.RequestAborted) is { Voided: false } person ? person : null;

    /// <summary>Reads a PersonName body; fields not given keep the values of <paramref name="existing"/>.</summary>
    private static (PersonNameInput? Input, IResult? Error) ReadName(JsonObject body, PersonNameRecord? existing)
    {
        var errors = new Dictionary<string, RestMessage>(StringComparer.Ordinal);
        foreach (var (key, value) in body)
        {
            if (!NameFields.Contains(key))
            {
                errors[key] = new RestMessage("UnknownProperty", key, "PersonName");
            }
            else if (key == "preferred" ? value is not null && Bool(value) is null : value is not null && value.GetValueKind() != JsonValueKind.String)
            {
                errors[key] = key == "preferred" ? new RestMessage("PreferredBoolean") : new RestMessage("FieldText", key);
            }
        }

        if (errors.Count > 0)
        {
            return (null, RestError.Invalid(errors));
        }

        string? Text(string field, string? current) => body.ContainsKey(field) ? body[field]?.GetValue<string>() : current;
        var input = new PersonNameInput
        {
            GivenName = Text("givenName", existing?.GivenName),
            MiddleName = Text("middleName", existing?.MiddleName),
            FamilyName = Text("familyName", existing?.FamilyName),
            FamilyName2 = Text("familyName2", existing?.FamilyName2),
            Prefix = Text("prefix", existing?.Prefix),
            FamilyNamePrefix = Text("familyNamePrefix", existing?.FamilyNamePrefix),
            FamilyNameSuffix = Text("familyNameSuffix", existing?.FamilyNameSuffix),
            Degree = Text("degree", existing?.Degree),
            Preferred = body["preferred"] is { } preferred ? Bool(preferred)!.Value : existing?.Preferred ?? true,
        };
        return (input, null);

        static bool? Bool(JsonNode node) => node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(node.GetValue<string>(), out var parsed) => parsed,
            _ => null,
        };
    }

    /// <summary>Runs a change; the core contract's refusals become OpenMRS errors, and nothing half-written remains.</summary>
    private static async Task<IResult> WriteAsync(HttpContext http, Func<Task<IResult>> write, Func<IResult>? notFound = null)
    {
        try
        {
            return await write();
        }
        catch (RecordValidationException invalid)
        {
            return RestError.Invalid(invalid.FieldErrors, invalid.FieldErrors.Count == 0 ? [invalid.Message] : []);
        }
        catch (RecordNotFoundException missing)
        {
            return notFound?.Invoke() ?? RestError.Of(StatusCodes.Status404NotFound, RestError.NotFound, missing.Message);
        }
        catch (RecordVersionConflictException conflict)
        {
            return RestError.Of(StatusCodes.Status409Conflict, RestError.Conflict, conflict.Message);
        }
        catch (RecordNotSavedException notSaved)
        {
            // Nothing was stored, so the client may send the same request again.
            http.Response.Headers.RetryAfter = "1";
            return RestError.Of(StatusCodes.Status503ServiceUnavailable, RestError.NotSaved, notSaved.Message);
        }
    }

    private static Detail? DetailOf(string? v) => Representation.ParseDetail(v);

    private static IResult Shape(HttpContext http, string? v, Func<Representation, object> shape) =>
        DetailOf(v) is { } detail
            ? Results.Json(shape(new Representation(http.Request, detail)))
            : RestError.Invalid("v", new RestMessage("Representation"));

    private static (int Offset, int Count) Paging(int? limit, int? startIndex) =>
        (Math.Max(0, startIndex ?? 0), Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit));

    private static IResult List<T>(HttpContext http, string? v, Page<T> page, int offset, int count, bool totalCount, Func<Representation, T, object> shape)
    {
        if (DetailOf(v) is not { } detail)
        {
            return RestError.Invalid("v", new RestMessage("Representation"));
        }

        var representation = new Representation(http.Request, detail);
        var links = new List<object>();
        var request = http.Request;
        var origin = http.RequestServices.GetRequiredService<IPublicOrigin>().For(request);
        string PageUri(int start) => $"{origin}{request.Path.ToUriComponent()}" +
            QueryString.Create(request.Query.Where(q => q.Key != "startIndex").Select(q => KeyValuePair.Create(q.Key, (string?)q.Value.ToString()))
                .Append(KeyValuePair.Create("startIndex", (string?)start.ToString(CultureInfo.InvariantCulture))));
        // Whether a next page exists is known without counting every match; totalCount (OpenMRS) asks for the count.
        if (page.HasMore)
        {
            links.Add(new { rel = "next", uri = PageUri(offset + count) });
        }

        if (offset > 0)
        {
            links.Add(new { rel = "prev", uri = PageUri(Math.Max(0, offset - count)) });
        }

        var result = new Dictionary<string, object?> { ["results"] = page.Items.Select(item => shape(representation, item)).ToList() };
        if (links.Count > 0)
        {
            result["links"] = links;
        }

        if (totalCount)
        {
            result["totalCount"] = page.Total;
        }

        return Results.Json(result);
    }
}
