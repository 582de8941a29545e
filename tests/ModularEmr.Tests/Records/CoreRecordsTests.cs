using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Records;

/// <summary>The core data contracts modules use, on the real host and its SQLite file.</summary>
public sealed class CoreRecordsTests : IAsyncLifetime
{
    private static readonly Guid Alice = Guid.Parse("dda12af7-1691-11df-97a5-7038c432aabf");
    private readonly TestFolder _folder = new();
    private EmrTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await EmrTestHost.StartAsync(_folder.Combine("data"), ModulesFileBuilder.Shipped().WriteTo(_folder));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_new_name_becomes_preferred_and_records_who_and_when()
    {
        await using var scope = _host.CreateScope();
        var persons = scope.ServiceProvider.GetRequiredService<IPersonRecords>();
        var admin = await scope.ServiceProvider.GetRequiredService<IUserAccounts>().FindByUsernameAsync("admin");
        var before = await persons.GetAsync(Alice);

        var added = await persons.AddNameAsync(Alice, new PersonNameInput { GivenName = "Alice", FamilyName = "Monroe" }, admin!.Uuid);

        var after = await persons.GetAsync(Alice);
        Assert.Equal("Alice Monroe", after!.PreferredName!.Display);
        Assert.Equal(added.Uuid, after.Names[0].Uuid);
        Assert.False(after.Names.Single(n => n.FamilyName == "Smith").Preferred);
        Assert.Equal(admin.Uuid, added.Audit.CreatorUuid);
        Assert.Equal(admin.Uuid, after.Audit.ChangedByUuid);
        Assert.Equal(before!.Version + 1, after.Version);
    }

    [Fact]
    public async Task A_name_is_edited_in_place_and_voided_with_a_reason_but_never_the_last_one()
    {
        await using var scope = _host.CreateScope();
        var persons = scope.ServiceProvider.GetRequiredService<IPersonRecords>();
        var smith = (await persons.GetAsync(Alice))!.Names.Single();

        var edited = await persons.UpdateNameAsync(Alice, smith.Uuid, new PersonNameInput { GivenName = "Alicia", FamilyName = "Smith", Degree = "MD" }, null);
        Assert.Equal(smith.Uuid, edited.Uuid);
        Assert.Equal("Alicia Smith MD", edited.Display);

        var last = await Assert.ThrowsAsync<RecordValidationException>(() => persons.VoidNameAsync(Alice, smith.Uuid, "typo", null));
        Assert.Contains("only name", last.Message, StringComparison.Ordinal);

        var second = await persons.AddNameAsync(Alice, new PersonNameInput { GivenName = "Alice", FamilyName = "Monroe", Preferred = false }, null);
        Assert.False(second.Preferred);
        await Assert.ThrowsAsync<RecordValidationException>(() => persons.VoidNameAsync(Alice, smith.Uuid, " ", null));
        await persons.VoidNameAsync(Alice, smith.Uuid, "entered in error", null);

        var after = await persons.GetAsync(Alice);
        Assert.Equal("Alice Monroe", after!.PreferredName!.Display);
        var voided = after.Names.Single(n => n.Uuid == smith.Uuid);
        Assert.True(voided.Voided);
        Assert.Equal("entered in error", voided.VoidReason);
        await Assert.ThrowsAsync<RecordNotFoundException>(() => persons.UpdateNameAsync(Alice, smith.Uuid, new PersonNameInput { GivenName = "A", FamilyName = "B" }, null));
    }

    [Fact]
    public async Task Invalid_names_are_refused_per_field_and_nothing_is_written()
    {
        await using var scope = _host.CreateScope();
        var persons = scope.ServiceProvider.GetRequiredService<IPersonRecords>();
        var before = await persons.GetAsync(Alice);

        var refusal = await Assert.ThrowsAsync<RecordValidationException>(() =>
            persons.AddNameAsync(Alice, new PersonNameInput { GivenName = " ", FamilyName = new string('x', 51) }, null));

        Assert.Equal(["familyName", "givenName"], refusal.FieldErrors.Keys.Order(StringComparer.Ordinal));
        var after = await persons.GetAsync(Alice);
        Assert.Equal(before!.Version, after!.Version);
        Assert.Equal(before.Names.Count, after.Names.Count);
        await Assert.ThrowsAsync<RecordNotFoundException>(() => persons.AddNameAsync(Guid.NewGuid(), new PersonNameInput { GivenName = "A", FamilyName = "B" }, null));
    }

    [Fact]
    public async Task Concurrent_name_edits_are_all_recorded_and_one_name_stays_preferred()
    {
        var families = Enumerable.Range(1, 8).Select(i => $"Parallel{i}").ToList();

        await Task.WhenAll(families.Select(async family =>
        {
            await using var scope = _host.CreateScope();
            await scope.ServiceProvider.GetRequiredService<IPersonRecords>().AddNameAsync(Alice, new PersonNameInput { GivenName = "Alice", FamilyName = family }, null);
        }));

        await using var check = _host.CreateScope();
        var alice = await check.ServiceProvider.GetRequiredService<IPersonRecords>().GetAsync(Alice);
        Assert.All(families, family => Assert.Contains(alice!.Names, n => n.FamilyName == family));
        Assert.Single(alice!.Names, n => n.Preferred);
    }

    [Fact]
    public async Task Search_matches_name_prefixes_and_identifiers_and_pages()
    {
        await using var scope = _host.CreateScope();
        var patients = scope.ServiceProvider.GetRequiredService<IPatientRecords>();

        var byName = await patients.SearchAsync(new RecordQuery("ali smi"));
        Assert.Equal(Alice, Assert.Single(byName.Items).Uuid);
        var byIdentifier = await patients.SearchAsync(new RecordQuery("100000-1"));
        Assert.Equal(Alice, Assert.Single(byIdentifier.Items).Uuid);
        Assert.Empty((await patients.SearchAsync(new RecordQuery("%"))).Items);

        var first = await patients.SearchAsync(new RecordQuery(Limit: 10));
        var second = await patients.SearchAsync(new RecordQuery(StartIndex: 10, Limit: 10));
        Assert.Equal(10, first.Items.Count);
        Assert.Equal(first.Total, second.Total);
        Assert.Empty(first.Items.Select(p => p.Uuid).Intersect(second.Items.Select(p => p.Uuid)));

        var persons = await scope.ServiceProvider.GetRequiredService<IPersonRecords>().SearchAsync(new RecordQuery("Builder"));
        Assert.Equal("Bob Builder", Assert.Single(persons.Items).PreferredName!.Display);
    }

    [Fact]
    public async Task A_patient_is_created_whole_or_refused_with_every_problem()
    {
        await using var scope = _host.CreateScope();
        var patients = scope.ServiceProvider.GetRequiredService<IPatientRecords>();
        var total = (await patients.SearchAsync(new RecordQuery(Limit: 1))).Total;

        var refusal = await Assert.ThrowsAsync<RecordValidationException>(() => patients.CreateAsync(
            new NewPatient("X", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(2)), false, [new PersonNameInput { GivenName = "Zoe" }], [new NewPatientIdentifier("OpenMRS ID", "100000-1")]),
            null));
        Assert.Equal(["birthdate", "gender", "identifiers[0].identifier", "names[0].familyName"], refusal.FieldErrors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(total, (await patients.SearchAsync(new RecordQuery(Limit: 1))).Total);

        var created = await patients.CreateAsync(
            new NewPatient("F", new DateOnly(1990, 2, 3), true, [new PersonNameInput { GivenName = "Zoe", FamilyName = "Quartz" }], [new NewPatientIdentifier("National ID", "NID-777")]),
            null);
        Assert.Equal("Zoe Quartz", created.Person.PreferredName!.Display);
        Assert.True(created.Person.BirthdateEstimated);
        Assert.Equal("https://modularemr.org/fhir/identifier/national-id", created.Identifiers.Single().Type.SystemUri);
        Assert.Equal(created.Uuid, (await patients.GetAsync(created.Uuid))!.Uuid);
    }
}
