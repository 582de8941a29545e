using System.Reflection;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>Where the repository and its build outputs are, seen from the test assembly.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration the tests were built in (Debug or Release); the host was built alike.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string ModuleFolder(string relative) => Path.Combine(Root, relative);

    public static string HostAssembly => Path.Combine(Root, "host", "ModularEmr.Host", "bin", Configuration, "net10.0", "ModularEmr.Host.dll");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ModularEmr.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("ModularEmr.sln not found above " + AppContext.BaseDirectory);
    }
}
