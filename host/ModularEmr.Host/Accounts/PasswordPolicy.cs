namespace ModularEmr.Host.Accounts;

/// <summary>OpenMRS's default password rules: at least 8 characters, upper and lower case, a digit, and not the username.</summary>
internal static class PasswordPolicy
{
    public const int MinimumLength = 8;

    public static string? Check(string password, string username)
    {
        if (password.Length < MinimumLength)
        {
            return $"the password must have at least {MinimumLength} characters";
        }

        if (!password.Any(char.IsUpper) || !password.Any(char.IsLower))
        {
            return "the password must mix upper- and lower-case letters";
        }

        if (!password.Any(char.IsDigit))
        {
            return "the password must contain a digit";
        }

        return string.Equals(password, username, StringComparison.OrdinalIgnoreCase) ? "the password must not be the username" : null;
    }
}
