using System.ComponentModel.DataAnnotations;

namespace ModularEmr.Host.Accounts;

/// <summary>Sign-in rules (<c>Emr:Accounts</c>).</summary>
internal sealed class AccountOptions
{
    public const string Section = "Emr:Accounts";

    public LockoutOptions Lockout { get; set; } = new();
}

/// <summary>Brute-force lockout; the defaults are OpenMRS core's: 7 failures in a row lock for 5 minutes.</summary>
internal sealed class LockoutOptions
{
    [Range(1, 1000)]
    public int MaxFailedAttempts { get; set; } = 7;

    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}
