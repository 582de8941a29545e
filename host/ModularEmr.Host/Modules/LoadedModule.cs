using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using McMaster.NETCore.Plugins;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Host.Modules;

/// <summary>A module's code, loaded into its own load context with the sdk shared.</summary>
internal sealed class LoadedModule
{
    private readonly PluginLoader _loader;

    private LoadedModule(CatalogModule catalog, string assemblyPath, PluginLoader loader, EmrModule instance)
    {
        Catalog = catalog;
        AssemblyPath = assemblyPath;
        _loader = loader;
        Instance = instance;
        SharedAssemblyCopies = Directory.EnumerateFiles(Path.GetDirectoryName(assemblyPath)!, "*.dll")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(SharedAssemblies.Contains)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public CatalogModule Catalog { get; }

    public string Id => Catalog.Id;

    /// <summary>The assemblies the host shares with every module, which a module must not carry (the sdk's build files leave them out).</summary>
    private static readonly HashSet<string> SharedAssemblies = new(StringComparer.Ordinal)
    {
        typeof(EmrModule).Assembly.GetName().Name + ".dll",
        "Microsoft.EntityFrameworkCore.dll",
        "Microsoft.EntityFrameworkCore.Abstractions.dll",
        "Microsoft.EntityFrameworkCore.Relational.dll",
    };

    /// <summary>The module's own DbContexts, known once it has registered its services.</summary>
    public IReadOnlyList<Type> DbContexts { get; set; } = [];

    /// <summary>
    /// Copies of assemblies the host shares with every module (the sdk, EF Core) found beside the module's
    /// assembly when it was loaded. The host's own are loaded instead, so these are never used: they mean the
    /// module was not built with the sdk package's build files, which leave them out.
    /// </summary>
    public IReadOnlyList<string> SharedAssemblyCopies { get; }

    public string AssemblyPath { get; }

    public EmrModule Instance { get; }

    /// <summary>
    /// Makes <c>Assembly.Load</c> by name resolve in this module's load context until disposed (it is
    /// async-local, so it flows through awaits). Hl7.Fhir and other reflection-heavy libraries need it.
    /// </summary>
    public IDisposable EnterContextualReflection() => _loader.EnterContextualReflection();

    public static LoadedModule Load(CatalogModule module)
    {
        var manifest = module.Manifest!;
        var assemblyPath = FindAssembly(module, manifest.Assembly);
        CheckSdkReference(module, assemblyPath);

        PluginLoader loader;
        Assembly assembly;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(
                assemblyPath,
                sharedTypes: [typeof(EmrModule)],
                configure: config => config.PreferSharedTypes = true);
            assembly = loader.LoadDefaultAssembly();
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new ModuleConfigurationException(module.ManifestFile, module.Id, $"assembly {assemblyPath} cannot be loaded: {ex.Message}");
        }

        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new ModuleConfigurationException(module.ManifestFile, module.Id, $"types of {Path.GetFileName(assemblyPath)} cannot be loaded: {ex.Message}");
        }

        var moduleTypes = types.Where(t => typeof(EmrModule).IsAssignableFrom(t) && t is { IsAbstract: false, IsClass: true }).ToList();
        var moduleType = moduleTypes.Count switch
        {
            0 => throw new ModuleConfigurationException(module.ManifestFile, module.Id, $"{Path.GetFileName(assemblyPath)} has no module type: add a public class deriving from {typeof(EmrModule).FullName}"),
            1 => moduleTypes[0],
            _ => throw new ModuleConfigurationException(module.ManifestFile, module.Id, $"{Path.GetFileName(assemblyPath)} has {moduleTypes.Count} module types ({string.Join(", ", moduleTypes.Select(t => t.Name))}); keep one"),
        };

        if (moduleType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ModuleConfigurationException(module.ManifestFile, module.Id, $"module type {moduleType.FullName} needs a public parameterless constructor");
        }

        using (loader.EnterContextualReflection())
        {
            return new LoadedModule(module, assemblyPath, loader, (EmrModule)Activator.CreateInstance(moduleType)!);
        }
    }

    /// <summary>A published module keeps its assembly beside its manifest; a source folder builds it into bin/.</summary>
    private static string FindAssembly(CatalogModule module, string assembly)
    {
        var candidates = new[] { Path.Combine(module.Folder, assembly), Path.Combine(module.Folder, "bin", assembly) };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new ModuleConfigurationException(module.ManifestFile, module.Id,
                $"assembly '{assembly}' not found in {module.Folder} or its bin/ folder (build the module with 'dotnet build', or fix 'assembly' in the manifest)");
    }

    /// <summary>
    /// The manifest's sdk range is the author's word; the assembly's reference is the fact. A module
    /// compiled against another major version of the sdk would fail at its first call, so it is refused here.
    /// </summary>
    private static void CheckSdkReference(CatalogModule module, string assemblyPath)
    {
        var sdkName = typeof(EmrModule).Assembly.GetName();
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var reader = new PEReader(stream);
            if (!reader.HasMetadata)
            {
                throw new ModuleConfigurationException(module.ManifestFile, module.Id, $"{assemblyPath} is not a .NET assembly");
            }

            var metadata = reader.GetMetadataReader();
            foreach (var handle in metadata.AssemblyReferences)
            {
                var reference = metadata.GetAssemblyReference(handle);
                if (metadata.GetString(reference.Name) == sdkName.Name && reference.Version.Major != sdkName.Version!.Major)
                {
                    throw new ModuleConfigurationException(module.ManifestFile, module.Id,
                        $"was built against sdk {reference.Version.Major}.x, but this host has sdk {SdkInfo.Version}; rebuild it against sdk {sdkName.Version.Major}.x");
                }
            }
        }
        catch (BadImageFormatException)
        {
            throw new ModuleConfigurationException(module.ManifestFile, module.Id, $"{assemblyPath} is not a .NET assembly");
        }
    }
}
