using System.Reflection;

namespace ModularEmr.Sdk.Modules;

/// <summary>The version of the module contract this assembly implements.</summary>
public static class SdkInfo
{
    /// <summary>The sdk's semantic version; a manifest's <c>sdk</c> range is checked against it.</summary>
    public static SemanticVersion Version { get; } = SemanticVersion.Parse(
        typeof(SdkInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion);
}
