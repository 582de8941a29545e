using Microsoft.EntityFrameworkCore;
using ModularEmr.Sdk.Accounts;

namespace ModularEmr.Host.Data;

/// <summary>The roles, privileges and identifier types every installation has, created when missing.</summary>
internal static class CoreMetadata
{
    public const string OpenMrsIdType = "OpenMRS ID";
    public const string NationalIdType = "National ID";

    private static readonly (string Name, string Description)[] Privileges =
    [
        (CorePrivileges.ViewPeople, "Able to view person objects"),
        (CorePrivileges.AddPeople, "Able to add person objects"),
        (CorePrivileges.EditPeople, "Able to edit person objects"),
        (CorePrivileges.ViewPatients, "Able to view patients"),
        (CorePrivileges.AddPatients, "Able to add patients"),
        (CorePrivileges.EditPatients, "Able to edit patients"),
        (CorePrivileges.ViewPatientIdentifiers, "Able to view patient identifiers"),
        (CorePrivileges.ViewUsers, "Able to view users in OpenMRS"),
        (CorePrivileges.ViewRoles, "Able to view user roles"),
        (Hosting.Telemetry.MetricsAccess.ViewMetrics, "Able to read the server's metrics"),
        (Hosting.Home.HomeApi.ViewAdministration, "Able to see the installed modules' state and the database on the home page"),
    ];

    private static readonly (string Name, string Description, string[] Privileges)[] Roles =
    [
        (CoreRoles.SystemDeveloper, "Developers of the system; hold every privilege", []),
        (CoreRoles.Provider, "All users with the 'Provider' role will appear as options in the default Infopath",
            [CorePrivileges.ViewPeople, CorePrivileges.AddPeople, CorePrivileges.EditPeople, CorePrivileges.ViewPatients,
             CorePrivileges.AddPatients, CorePrivileges.EditPatients, CorePrivileges.ViewPatientIdentifiers]),
        (CoreRoles.Authenticated, "Privileges gained once authentication has been established", []),
        (CoreRoles.Anonymous, "Privileges for non-authenticated users", []),
    ];

    private static readonly (string Name, string Description, string SystemUri)[] IdentifierTypes =
    [
        (OpenMrsIdType, "Medical record number assigned by this installation", "https://modularemr.org/fhir/identifier/openmrs-id"),
        (NationalIdType, "National identity number", "https://modularemr.org/fhir/identifier/national-id"),
    ];

    public static async Task EnsureAsync(CoreDbContext db, CancellationToken cancellationToken)
    {
        var privileges = await db.Privileges.ToDictionaryAsync(p => p.Name, cancellationToken);
        foreach (var (name, description) in Privileges.Where(p => !privileges.ContainsKey(p.Name)))
        {
            privileges[name] = db.Privileges.Add(new Privilege { Name = name, Description = description }).Entity;
        }

        var roles = await db.Roles.Include(r => r.Privileges).ToDictionaryAsync(r => r.Name, cancellationToken);
        foreach (var (name, description, granted) in Roles)
        {
            if (!roles.TryGetValue(name, out var role))
            {
                role = db.Roles.Add(new Role { Name = name, Description = description }).Entity;
                role.Privileges.AddRange(granted.Select(p => privileges[p]));
            }
        }

        var types = await db.PatientIdentifierTypes.Select(t => t.Name).ToListAsync(cancellationToken);
        foreach (var (name, description, uri) in IdentifierTypes.Where(t => !types.Contains(t.Name)))
        {
            db.PatientIdentifierTypes.Add(new PatientIdentifierType { Name = name, Description = description, SystemUri = uri });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
