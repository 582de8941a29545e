using Microsoft.Extensions.Options;
using ModularEmr.Host.Cli;

namespace ModularEmr.Host.Hosting;

/// <summary>The executable: an admin command when the first argument names one, else the server.</summary>
internal static class EmrProgram
{
    /// <summary>Exit code for configuration the host cannot use.</summary>
    public const int ConfigurationError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (AdminCli.Handles(args))
        {
            return await AdminCli.RunAsync(args, output, error);
        }

        try
        {
            await using var app = await EmrHost.BuildAsync(args);
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is StartupException or OptionsValidationException or IOException)
        {
            // One line for the operator; a stack trace helps nobody fix a configuration or a busy port.
            await error.WriteLineAsync($"ModularEmr cannot start: {ex.Message}");
            return ConfigurationError;
        }
    }
}
