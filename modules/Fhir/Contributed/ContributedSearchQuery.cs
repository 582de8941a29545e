using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;
using ModularEmr.Modules.Fhir.Patients;
using ModularEmr.Sdk.Fhir;

namespace ModularEmr.Modules.Fhir.Contributed;

/// <summary>
/// A search on a contributed type, read from the query string against what its module declared: the
/// patient parameter as a Patient reference, the other declared parameters as sent, <c>_count</c> and the
/// page cursor; everything else is unknown, and problems are said in the reader's language.
/// </summary>
/// <param name="Patient">The patient named by the type's patient parameter, if sent.</param>
/// <param name="Parameters">The other declared parameters' values.</param>
/// <param name="Count">The page size, bounded.</param>
/// <param name="After">The page cursor, if any.</param>
/// <param name="Problems">Values refused, one sentence each.</param>
/// <param name="Unknown">Parameters the type does not declare.</param>
public sealed record ContributedSearchQuery(
    Guid? Patient,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters,
    int Count,
    string? After,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Unknown)
{
    /// <summary>Parameters of the request itself, not of the search (FHIR R4 §3.1.1.5.8, §3.1.0.1.2).</summary>
    private static readonly HashSet<string> Presentation = ["_format", "_pretty"];

    public static ContributedSearchQuery Parse(IQueryCollection query, FhirResourceDefinition definition, IStringLocalizer<FhirText> text)
    {
        Guid? patient = null;
        var count = PatientSearch.DefaultCount;
        string? after = null;
        var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var problems = new List<string>();
        var unknown = new List<string>();
        var declared = definition.SearchParameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            var name = key.Split(':', 2)[0];
            if (Presentation.Contains(key))
            {
                continue;
            }

            if (key.Contains(':', StringComparison.Ordinal) && declared.Contains(name))
            {
                problems.Add(text["SearchModifierNone", name, key[(name.Length + 1)..], definition.Type]);
                continue;
            }

            var value = values.ToString();
            switch (key)
            {
                case "_count":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var asked))
                    {
                        problems.Add(text["SearchNumber", "_count", value]);
                    }
                    else
                    {
                        count = Math.Min(asked, PatientSearch.MaxCount);
                    }

                    break;
                case PatientSearch.After:
                    after = value;
                    break;
                case var _ when key == definition.PatientParameter:
                    if (values.Count != 1 || PatientReference(value) is not { } uuid)
                    {
                        problems.Add(text["PatientReferenceInvalid", key, value]);
                    }
                    else
                    {
                        patient = uuid;
                    }

                    break;
                case var _ when declared.Contains(key):
                    parameters[key] = values.Where(v => v is not null).Select(v => v!).ToList();
                    break;
                default:
                    unknown.Add(key);
                    break;
            }
        }

        return new ContributedSearchQuery(patient, parameters, count, after, problems, unknown);
    }

    /// <summary>A Patient reference as FHIR R4 §3.1.1.4.13 allows it: <c>Patient/{id}</c>, the id alone, or an absolute URL ending so.</summary>
    private static Guid? PatientReference(string value)
    {
        var id = value;
        var slash = value.LastIndexOf('/');
        if (slash >= 0)
        {
            var type = value[..slash];
            if (type != "Patient" && !type.EndsWith("/Patient", StringComparison.Ordinal))
            {
                return null;
            }

            id = value[(slash + 1)..];
        }

        return Guid.TryParse(id, out var uuid) ? uuid : null;
    }
}
