using ModularEmr.Host.Hosting;

namespace ModularEmr.Host.Modules;

/// <summary>
/// The module configuration cannot be used. Its message is the one line the operator sees: it names
/// the file and, where there is one, the module.
/// </summary>
internal sealed class ModuleConfigurationException(string file, string? moduleId, string problem, Exception? inner = null)
    : StartupException(moduleId is null ? $"{file}: {problem}" : $"{file}: module '{moduleId}': {problem}", inner)
{
    public string File { get; } = file;

    public string? ModuleId { get; } = moduleId;
}
