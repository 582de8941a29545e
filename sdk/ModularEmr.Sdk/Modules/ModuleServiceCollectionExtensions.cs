using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModularEmr.Sdk.Data;

namespace ModularEmr.Sdk.Modules;

/// <summary>Registration helpers a module calls from <see cref="EmrModule.ConfigureServices"/>.</summary>
public static class ModuleServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to the module's <c>settings</c>. An unknown key or a value
    /// that fails its data annotations stops the host at start with a message naming the module.
    /// </summary>
    public static OptionsBuilder<TOptions> AddModuleOptions<TOptions>(this IServiceCollection services, ModuleContext context)
        where TOptions : class, new()
    {
        var probe = new TOptions();
        try
        {
            context.Settings.Bind(probe, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new ModuleSettingsException(context.Module.Id, ex.Message, ex);
        }

        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(probe, new ValidationContext(probe), errors, validateAllProperties: true))
        {
            throw new ModuleSettingsException(context.Module.Id, string.Join("; ", errors.Select(e => e.ErrorMessage)));
        }

        return services.AddOptions<TOptions>().Bind(context.Settings, binder => binder.ErrorOnUnknownConfiguration = true);
    }

    /// <summary>
    /// Registers the module's own <see cref="DbContext"/> on the host's database, with its own
    /// migrations history table (<c>__migrations_{moduleId}</c>), so each module migrates independently.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext>(this IServiceCollection services, ModuleContext context)
        where TContext : DbContext
    {
        var moduleId = context.Module.Id;
        // Options are built once: building them per request cost more than the query they serve.
        services.AddDbContext<TContext>(
            (provider, options) => provider.GetRequiredService<IEmrDatabase>().Configure(options, moduleId),
            optionsLifetime: ServiceLifetime.Singleton);
        return services;
    }
}

/// <summary>A module's <c>settings</c> in <c>modules.json</c> do not fit its options.</summary>
public sealed class ModuleSettingsException(string moduleId, string message, Exception? inner = null)
    : Exception($"settings of module '{moduleId}' are invalid: {message}", inner)
{
    /// <summary>The module whose settings were refused.</summary>
    public string ModuleId { get; } = moduleId;
}
