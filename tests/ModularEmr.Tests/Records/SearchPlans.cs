using Microsoft.EntityFrameworkCore;
using ModularEmr.Host.Data;
using ModularEmr.Host.Records.Search;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Tests.Records;

/// <summary>Every query patient search sends, built by the search code itself, for plan checks on each provider.</summary>
internal static class SearchPlans
{
    public static async Task<Dictionary<string, IQueryable>> QueriesAsync(CoreDbContext db)
    {
        var patients = SearchQuery.Of(db.Persons.AsNoTracking().Where(p => p.Patient != null && !p.Patient.Voided && !p.Voided));
        var position = new PageCursor("smith", "alice", 3);
        return new Dictionary<string, IQueryable>
        {
            ["family"] = SearchPage.Sorted(RecordSearch.Named(db, patients, "Garc", NamePart.Family, StringMatch.Prefix).Matches, null, true).Take(11),
            ["given exact"] = SearchPage.Sorted(RecordSearch.Named(db, patients, "José", NamePart.Given, StringMatch.Exact).Matches, null, true).Take(11),
            ["name words"] = SearchPage.Sorted(RecordSearch.ByWords(db, patients, "jo ga").Matches, position, true).Take(11),
            ["identifier"] = SearchPage.Sorted(RecordSearch.Identified(db, patients, "S000000500", "https://modularemr.org/fhir/identifier/openmrs-id").Matches, null, true).Take(11),
            ["rest q"] = SearchPage.Sorted((await RecordSearch.NamedOrIdentifiedAsync(db, patients, "S000000500", default)).Matches, null, true).Take(11),
            ["rest q, two words"] = SearchPage.Sorted((await RecordSearch.NamedOrIdentifiedAsync(db, patients, "jo ga", default)).Matches, null, true).Take(11),
            ["family candidates"] = SearchPage.Sorted(RecordSearch.Named(db, patients, "Garc", NamePart.Family, StringMatch.Prefix).Driver!, position, true).Take(512),
            ["name candidates, back"] = SearchPage.Sorted(RecordSearch.Named(db, patients, "jo", NamePart.Any, StringMatch.Prefix).Driver!, position, false).Take(512),
            ["given exact candidates"] = SearchPage.Sorted(RecordSearch.Named(db, patients, "José", NamePart.Given, StringMatch.Exact).Driver!, null, true).Take(512),
            ["birthdate"] = patients.Where(p => p.Birthdate >= new DateOnly(2010, 1, 1)).Matches.Take(1001),
            ["order, from a position"] = SearchPage.Sorted(db.Persons, position, true).Take(512),
            ["order, back from a position"] = SearchPage.Sorted(db.Persons, position, false).Take(512),
            ["family candidates, counted"] = RecordSearch.Named(db, patients, "Garc", NamePart.Family, StringMatch.Prefix).Driver!.Take(Page<object>.CountLimit + 1),
            ["family, passing"] = SearchPage.Passing(RecordSearch.Named(db, patients, "Garc", NamePart.Family, StringMatch.Prefix).Driver!, patients.Others).Distinct(),
            ["slice"] = SearchPage.Passing(patients.Where(p => p.Gender == "F").Matches, [1, 2, 3]),
        };
    }
}
