using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Modules.Rest.Resources;

/// <summary>OpenMRS representations: <c>ref</c> (uuid, display, links), <c>default</c> and <c>full</c>.</summary>
public enum Detail
{
    Ref,
    Default,
    Full,
}

/// <summary>Shapes records as webservices.rest does, with <c>links</c> to <c>self</c> and <c>full</c>.</summary>
public sealed class Representation(HttpRequest request, Detail detail)
{
    public Detail Detail { get; } = detail;

    public static Detail? ParseDetail(string? v) => v switch
    {
        null or "" or "default" => Detail.Default,
        "ref" => Detail.Ref,
        "full" => Detail.Full,
        _ => null,
    };

    private string Base => request.HttpContext.RequestServices.GetRequiredService<IPublicOrigin>().For(request) + RestApi.BasePath;

    private object[] Links(string path, string alias, bool withFull) => withFull
        ? [new { rel = "self", uri = $"{Base}/{path}", resourceAlias = alias }, new { rel = "full", uri = $"{Base}/{path}?v=full", resourceAlias = alias }]
        : [new { rel = "self", uri = $"{Base}/{path}", resourceAlias = alias }];

    public Dictionary<string, object?> Person(PersonRecord person, Detail? level = null)
    {
        var at = level ?? Detail;
        var display = person.PreferredName?.Display ?? string.Empty;
        var result = new Dictionary<string, object?> { ["uuid"] = person.Uuid, ["display"] = display };
        if (at == Detail.Ref)
        {
            result["links"] = Links($"person/{person.Uuid}", "person", withFull: false);
            return result;
        }

        result["gender"] = person.Gender;
        result["age"] = person.Birthdate is { } birthdate ? Age(birthdate) : null;
        result["birthdate"] = person.Birthdate?.ToDateTime(TimeOnly.MinValue).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);
        result["birthdateEstimated"] = person.BirthdateEstimated;
        result["dead"] = person.Dead;
        result["deathDate"] = person.DeathDate;
        result["preferredName"] = person.PreferredName is { } preferred ? Name(person.Uuid, preferred, Detail.Ref) : null;
        var address = person.Addresses.FirstOrDefault(a => a.Preferred && !a.Voided) ?? person.Addresses.FirstOrDefault(a => !a.Voided);
        result["preferredAddress"] = address is null ? null : new { uuid = address.Uuid, display = address.Address1 };
        result["voided"] = person.Voided;
        if (at == Detail.Full)
        {
            result["names"] = person.Names.Where(n => !n.Voided).Select(n => Name(person.Uuid, n, Detail.Default)).ToList();
            result["addresses"] = person.Addresses.Where(a => !a.Voided).Select(a => new
            {
                uuid = a.Uuid,
                display = a.Address1,
                preferred = a.Preferred,
                address1 = a.Address1,
                address2 = a.Address2,
                cityVillage = a.CityVillage,
                stateProvince = a.StateProvince,
                postalCode = a.PostalCode,
                country = a.Country,
            }).ToList();
            result["auditInfo"] = Audit(person.Audit);
        }

        result["links"] = Links($"person/{person.Uuid}", "person", withFull: at != Detail.Full);
        result["resourceVersion"] = "1.11";
        return result;
    }

    public Dictionary<string, object?> Name(Guid person, PersonNameRecord name, Detail? level = null)
    {
        var at = level ?? Detail;
        var path = $"person/{person}/name/{name.Uuid}";
        var result = new Dictionary<string, object?> { ["display"] = name.Display, ["uuid"] = name.Uuid };
        if (at == Detail.Ref)
        {
            result["links"] = Links(path, "name", withFull: false);
            return result;
        }

        result["givenName"] = name.GivenName;
        result["middleName"] = name.MiddleName;
        result["familyName"] = name.FamilyName;
        result["familyName2"] = name.FamilyName2;
        result["voided"] = name.Voided;
        if (at == Detail.Full)
        {
            result["preferred"] = name.Preferred;
            result["prefix"] = name.Prefix;
            result["familyNamePrefix"] = name.FamilyNamePrefix;
            result["familyNameSuffix"] = name.FamilyNameSuffix;
            result["degree"] = name.Degree;
            result["auditInfo"] = Audit(name.Audit);
        }

        result["links"] = Links(path, "name", withFull: at != Detail.Full);
        result["resourceVersion"] = "1.8";
        return result;
    }

    public Dictionary<string, object?> Patient(PatientRecord patient)
    {
        var identifier = patient.Identifiers.FirstOrDefault(i => !i.Voided);
        var display = identifier is null ? patient.Person.PreferredName?.Display : $"{identifier.Value} - {patient.Person.PreferredName?.Display}";
        var result = new Dictionary<string, object?> { ["uuid"] = patient.Uuid, ["display"] = display };
        if (Detail == Detail.Ref)
        {
            result["links"] = Links($"patient/{patient.Uuid}", "patient", withFull: false);
            return result;
        }

        result["identifiers"] = patient.Identifiers.Where(i => !i.Voided).Select(i => Detail == Detail.Full
            ? (object)new { uuid = i.Uuid, display = $"{i.Type.Name} = {i.Value}", identifier = i.Value, identifierType = new { uuid = i.Type.Uuid, display = i.Type.Name }, preferred = i.Preferred, voided = i.Voided }
            : new { uuid = i.Uuid, display = $"{i.Type.Name} = {i.Value}" }).ToList();
        result["person"] = Person(patient.Person, Detail == Detail.Full ? Detail.Full : Detail.Default);
        result["voided"] = patient.Voided;
        if (Detail == Detail.Full)
        {
            result["auditInfo"] = Audit(patient.Person.Audit);
        }

        result["links"] = Links($"patient/{patient.Uuid}", "patient", withFull: Detail != Detail.Full);
        result["resourceVersion"] = "1.8";
        return result;
    }

    public Dictionary<string, object?> User(EmrUser user)
    {
        var result = new Dictionary<string, object?> { ["uuid"] = user.Uuid, ["display"] = user.Username };
        if (Detail != Detail.Ref)
        {
            result["username"] = user.Username;
            result["systemId"] = user.Username;
            result["person"] = user.PersonUuid is { } person ? new { uuid = person, links = Links($"person/{person}", "person", withFull: false) } : null;
            result["roles"] = user.Roles.Order(StringComparer.Ordinal).Select(r => new { display = r }).ToList();
            result["privileges"] = Detail == Detail.Full ? user.Privileges.Order(StringComparer.Ordinal).Select(p => new { display = p }).ToList() : null;
            result["retired"] = user.Retired;
        }

        result["links"] = Links($"user/{user.Uuid}", "user", withFull: Detail != Detail.Full);
        return result;
    }

    public Dictionary<string, object?> Role(RoleInfo role)
    {
        var result = new Dictionary<string, object?> { ["uuid"] = role.Uuid, ["display"] = role.Name };
        if (Detail != Detail.Ref)
        {
            result["name"] = role.Name;
            result["description"] = role.Description;
            result["privileges"] = role.Privileges.Select(p => new { display = p }).ToList();
        }

        result["links"] = Links($"role/{role.Uuid}", "role", withFull: Detail != Detail.Full);
        return result;
    }

    private static object Audit(AuditInfo audit) => new
    {
        creator = audit.CreatorUuid is { } creator ? new { uuid = creator } : null,
        dateCreated = audit.DateCreated,
        changedBy = audit.ChangedByUuid is { } changer ? new { uuid = changer } : null,
        dateChanged = audit.DateChanged,
    };

    private static int Age(DateOnly birthdate)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var age = today.Year - birthdate.Year;
        return birthdate > today.AddYears(-age) ? age - 1 : age;
    }
}
