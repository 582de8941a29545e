using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModularEmr.Sdk.Data;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Sdk.Modules;

/// <summary>Registration helpers a module calls from <see cref="EmrModule.ConfigureServices"/>.</summary>
public static class ModuleServiceCollectionExtensions
{
    /// <summary>Puts <paramref name="link"/> on the host's home page.</summary>
    /// <exception cref="ArgumentException">The link leaves this server, or asks a privilege of visitors not signed in.</exception>
    public static IServiceCollection AddHomeLink(this IServiceCollection services, HomeLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (!link.Url.StartsWith('/') || link.Url.StartsWith("//", StringComparison.Ordinal) || link.Url.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A home link is a path on this server ('/…'), not '{link.Url}'.", nameof(link));
        }

        if (link.Audience == HomeLinkAudience.SignedOut && link.Privilege is not null)
        {
            throw new ArgumentException("A link for visitors not signed in cannot ask for a privilege.", nameof(link));
        }

        return services.AddSingleton(link);
    }

    /// <summary>
    /// Shows the module's scopes (the consent page, the developer portal) in the reader's language, from the
    /// resources of <paramref name="texts"/> keyed by each scope's English title and description; see
    /// <see cref="ScopeTexts"/>. Added in sdk 1.7.0.
    /// </summary>
    public static IServiceCollection AddScopeTexts(this IServiceCollection services, ModuleContext context, Type texts)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(texts);
        return services.AddSingleton(new ScopeTexts(context.Module.Id, texts));
    }

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
    /// A context whose only constructor takes its <see cref="DbContextOptions{TContext}"/> is pooled
    /// (EF Core context pooling: instances are reset and reused across requests, so keep no state of
    /// your own in it); any other context is created per request.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext>(this IServiceCollection services, ModuleContext context)
        where TContext : DbContext
    {
        var moduleId = context.Module.Id;
        void Configure(IServiceProvider provider, DbContextOptionsBuilder options) => provider.GetRequiredService<IEmrDatabase>().Configure(options, moduleId);

        // Options are built once (building them per request cost more than some queries they serve);
        // pooling also saves the context's own set-up, about a sixth of a token request's CPU.
        if (IsPoolable(typeof(TContext)))
        {
            services.AddDbContextPool<TContext>(Configure);
        }
        else
        {
            services.AddDbContext<TContext>(Configure, optionsLifetime: ServiceLifetime.Singleton);
        }

        return services;
    }

    /// <summary>Adds <typeparamref name="TCommand"/> to the administration CLI (sdk 1.5.0).</summary>
    public static IServiceCollection AddAdminCommand<TCommand>(this IServiceCollection services)
        where TCommand : AdminCommand
    {
        services.AddSingleton<AdminCommand, TCommand>();
        return services;
    }

    private static bool IsPoolable(Type context) =>
        context.GetConstructors() is [{ } constructor]
        && constructor.GetParameters() is [{ } parameter]
        && parameter.ParameterType == typeof(DbContextOptions<>).MakeGenericType(context);
}

/// <summary>A module's <c>settings</c> in <c>modules.json</c> do not fit its options.</summary>
public sealed class ModuleSettingsException(string moduleId, string message, Exception? inner = null)
    : Exception($"settings of module '{moduleId}' are invalid: {message}", inner)
{
    /// <summary>The module whose settings were refused.</summary>
    public string ModuleId { get; } = moduleId;
}
