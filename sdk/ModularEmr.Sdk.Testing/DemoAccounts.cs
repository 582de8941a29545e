namespace ModularEmr.Sdk.Testing;

/// <summary>The demo data every <see cref="EmrModuleHost"/> seeds (the host's <c>--demo</c>).</summary>
public static class DemoAccounts
{
    /// <summary>A System Developer: every privilege, your module's included.</summary>
    public const string Admin = "admin";

    /// <summary><see cref="Admin"/>'s password.</summary>
    public const string AdminPassword = "Admin123";

    /// <summary>A user whose person is the patient <see cref="AlicePatient"/>, with no privilege.</summary>
    public const string Alice = "alice";

    /// <summary><see cref="Alice"/>'s password.</summary>
    public const string AlicePassword = "Alice123";

    /// <summary>Alice's patient uuid (also her FHIR Patient id).</summary>
    public const string AlicePatient = "dda12af7-1691-11df-97a5-7038c432aabf";

    /// <summary>A client developer, with no privilege on records.</summary>
    public const string Bob = "bob";

    /// <summary><see cref="Bob"/>'s password.</summary>
    public const string BobPassword = "Bob12345";

    /// <summary>The demo confidential client; it is granted every declared scope, your module's included.</summary>
    public const string Client = "xyz-emr";

    /// <summary><see cref="Client"/>'s secret.</summary>
    public const string ClientSecret = "xyz-emr-secret";
}
