using System.Diagnostics;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>
/// Runs the dotnet CLI as a module author would (pack, new, build, test), by default with a NuGet package cache
/// of the test's own: a package of this version cached by an earlier run must not stand in for the one just packed.
/// </summary>
internal static class DotnetCli
{
    /// <summary>
    /// Runs <paramref name="args"/>; a non-zero exit fails the test with everything the command wrote. With
    /// <paramref name="ownPackages"/> false the machine's package cache is used: a command on a project of this
    /// repository must restore into it, or the repository's build would point at a folder the test deletes.
    /// </summary>
    /// <returns>What the command wrote to standard output.</returns>
    public static async Task<string> RunAsync(TestFolder folder, string workingDirectory, string[] args, bool ownPackages = true) =>
        await RunAsync("dotnet", folder, workingDirectory, args, [], ownPackages);

    /// <inheritdoc cref="RunAsync(TestFolder, string, string[], bool)"/>
    public static async Task<string> RunAsync(string command, TestFolder folder, string workingDirectory, string[] args, IEnumerable<(string Name, string Value)> environment, bool ownPackages = true)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (ownPackages)
        {
            start.Environment["NUGET_PACKAGES"] = folder.Combine("packages");
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)} failed:\n{await output}\n{await error}");
        return await output;
    }
}
