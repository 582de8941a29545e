namespace ModularEmr.Sdk.Accounts;

/// <summary>A user account, with the roles it holds and the privileges those roles grant.</summary>
/// <param name="Uuid">The user's uuid (the <c>sub</c> of tokens issued for the user).</param>
/// <param name="Username">The login name.</param>
/// <param name="PersonUuid">The person record of the user, if one is linked.</param>
/// <param name="Retired">A retired user cannot sign in.</param>
/// <param name="Roles">Role names.</param>
/// <param name="Privileges">Privilege names granted through the roles.</param>
public sealed record EmrUser(Guid Uuid, string Username, Guid? PersonUuid, bool Retired, IReadOnlySet<string> Roles, IReadOnlySet<string> Privileges)
{
    /// <summary>
    /// True when the user holds <paramref name="privilege"/>. As in OpenMRS, the System Developer role
    /// holds every privilege.
    /// </summary>
    public bool HasPrivilege(string privilege) => Roles.Contains(CoreRoles.SystemDeveloper) || Privileges.Contains(privilege);
}

/// <summary>A role and the privileges it grants.</summary>
public sealed record RoleInfo(Guid Uuid, string Name, string? Description, IReadOnlyList<string> Privileges);

/// <summary>The roles the host creates, after OpenMRS core.</summary>
public static class CoreRoles
{
    /// <summary>Holds every privilege.</summary>
    public const string SystemDeveloper = "System Developer";

    /// <summary>A clinician.</summary>
    public const string Provider = "Provider";

    /// <summary>Every signed-in user.</summary>
    public const string Authenticated = "Authenticated";

    /// <summary>Anyone.</summary>
    public const string Anonymous = "Anonymous";
}

/// <summary>The privileges the host declares for its core data, named as in OpenMRS.</summary>
public static class CorePrivileges
{
    /// <summary>Read persons and their names and addresses.</summary>
    public const string ViewPeople = "View People";

    /// <summary>Create persons.</summary>
    public const string AddPeople = "Add People";

    /// <summary>Change persons and their names and addresses.</summary>
    public const string EditPeople = "Edit People";

    /// <summary>Read patients.</summary>
    public const string ViewPatients = "View Patients";

    /// <summary>Create patients.</summary>
    public const string AddPatients = "Add Patients";

    /// <summary>Change patients.</summary>
    public const string EditPatients = "Edit Patients";

    /// <summary>Read patient identifiers.</summary>
    public const string ViewPatientIdentifiers = "View Patient Identifiers";

    /// <summary>Read user accounts.</summary>
    public const string ViewUsers = "View Users";

    /// <summary>Read roles.</summary>
    public const string ViewRoles = "View Roles";
}
