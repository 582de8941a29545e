using ModularEmr.Tests.Infrastructure;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Samples;

/// <summary>
/// The sample third-party module (samples/Allergies), loaded next to the three shipped modules: what its install
/// wrote. Its API is tested with the test kit, as an author would (samples/Allergies.Tests).
/// </summary>
public sealed class AllergiesModuleTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() =>
        _oauth = await OAuth2Harness.StartWithAsync(null, modules => modules.Add("allergies", Repository.ModuleFolder("samples/Allergies")));

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task Its_install_creates_its_table_privileges_role_and_scopes()
    {
        Assert.True(await Database.TableExistsAsync(_oauth.Host.DatabaseFile, "allergy"));
        Assert.Equal(["Edit Allergies", "View Allergies"], await Database.QueryAsync(_oauth.Host.DatabaseFile,
            "SELECT p.name FROM role r JOIN role_privilege rp ON rp.roles_id = r.id JOIN privilege p ON p.id = rp.privileges_id WHERE r.name = 'Allergy Nurse' ORDER BY p.name"));
        Assert.Equal(["allergies.read", "allergies.write", "patient/AllergyIntolerance.rs", "system/AllergyIntolerance.rs", "user/AllergyIntolerance.rs"], await Database.QueryAsync(_oauth.Host.DatabaseFile, "SELECT name FROM oauth_scope WHERE module_id = 'allergies' ORDER BY name"));
    }
}
