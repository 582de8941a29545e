using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// Runs OpenIddict's server handlers as its own dispatcher does (same order, same filters, the same stop
/// once a handler handles, skips or rejects the request), but from an index built once per event: a
/// token request raises some thirty events against about three hundred handlers, and scanning them all,
/// resolving every filter from DI and casting it in shared generic code was a tenth of the request's CPU.
/// </summary>
public sealed partial class ServerEventDispatcher(
    ServerHandlerIndex index,
    IOptionsMonitor<OpenIddictServerOptions> options,
    IServiceProvider provider,
    ILogger<ServerEventDispatcher> logger) : IOpenIddictServerDispatcher
{
    public async ValueTask DispatchAsync<TContext>(TContext context)
        where TContext : BaseContext
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var step in index.For<TContext>(options.CurrentValue.Handlers))
        {
            if (!await IsActiveAsync(step, context))
            {
                continue;
            }

            var handler = step.Handler ?? Resolve<IOpenIddictServerHandler<TContext>>(step.Descriptor.ServiceDescriptor.ServiceType, "handler");
            try
            {
                await handler.HandleAsync(context);
            }
            catch (Exception exception) when (logger.IsEnabled(LogLevel.Debug))
            {
                HandlerFailed(logger, exception, handler.GetType().FullName, typeof(TContext).FullName);
                throw;
            }

            var outcome = context switch
            {
                BaseRequestContext { IsRequestHandled: true } => "handled",
                BaseRequestContext { IsRequestSkipped: true } => "skipped",
                BaseValidatingContext { IsRejected: true } => "rejected",
                _ => null,
            };
            if (outcome is not null)
            {
                Stopped(logger, handler.GetType().FullName, outcome, typeof(TContext).FullName);
                return;
            }
        }
    }

    private async ValueTask<bool> IsActiveAsync<TContext>(ServerHandlerStep<TContext> step, TContext context)
        where TContext : BaseContext
    {
        for (var i = 0; i < step.Filters.Length; i++)
        {
            var filter = step.Filters[i] ?? Resolve<IOpenIddictServerHandlerFilter<TContext>>(step.Descriptor.FilterTypes[i], "handler filter");
            if (!await filter.IsActiveAsync(context))
            {
                return false;
            }
        }

        return true;
    }

    private T Resolve<T>(Type type, string what)
        where T : class =>
        provider.GetService(type) as T ?? throw new InvalidOperationException($"The OpenIddict server {what} '{type}' is not registered.");

    [LoggerMessage(Level = LogLevel.Debug, Message = "The OpenIddict handler {Handler} failed while processing {Event}")]
    private static partial void HandlerFailed(ILogger logger, Exception exception, string? handler, string? @event);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The OpenIddict handler {Handler} {Outcome} the request while processing {Event}")]
    private static partial void Stopped(ILogger logger, string? handler, string outcome, string? @event);
}

/// <summary>
/// The server's handlers grouped by the event they handle, in OpenIddict's order, rebuilt if the options
/// are. Handlers and filters registered as singletons are resolved once (from the application's
/// services); scoped ones are still resolved from each request's services.
/// </summary>
public sealed class ServerHandlerIndex(IServiceProvider root, ServerSingletons singletons)
{
    private Snapshot? _snapshot;

    public ServerHandlerStep<TContext>[] For<TContext>(List<OpenIddictServerHandlerDescriptor> handlers)
        where TContext : BaseContext
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null || !ReferenceEquals(snapshot.Handlers, handlers))
        {
            snapshot = new Snapshot(handlers);
            Volatile.Write(ref _snapshot, snapshot);
        }

        return (ServerHandlerStep<TContext>[])snapshot.ByContext.GetOrAdd(typeof(TContext), _ => Build<TContext>(handlers));
    }

    private ServerHandlerStep<TContext>[] Build<TContext>(List<OpenIddictServerHandlerDescriptor> handlers)
        where TContext : BaseContext =>
        [.. handlers.Where(d => d.ContextType == typeof(TContext)).Select(d => new ServerHandlerStep<TContext>(
            d,
            d.ServiceDescriptor.ImplementationInstance as IOpenIddictServerHandler<TContext>
                ?? (singletons.Contains(d.ServiceDescriptor.ServiceType) ? root.GetService(d.ServiceDescriptor.ServiceType) as IOpenIddictServerHandler<TContext> : null),
            [.. d.FilterTypes.Select(type => singletons.Contains(type) ? root.GetService(type) as IOpenIddictServerHandlerFilter<TContext> : null)]))];

    private sealed record Snapshot(List<OpenIddictServerHandlerDescriptor> Handlers)
    {
        public ConcurrentDictionary<Type, object> ByContext { get; } = new();
    }
}

/// <summary>A handler with its filters; null where the instance must come from the request's services.</summary>
public sealed record ServerHandlerStep<TContext>(
    OpenIddictServerHandlerDescriptor Descriptor,
    IOpenIddictServerHandler<TContext>? Handler,
    IOpenIddictServerHandlerFilter<TContext>?[] Filters)
    where TContext : BaseContext;

/// <summary>
/// The service types registered only as singletons. Read from the service collection at first use, once
/// the container is built, so a later registration of the same type with another lifetime counts.
/// </summary>
public sealed class ServerSingletons(IServiceCollection services)
{
    private readonly Lazy<HashSet<Type>> _types = new(() => services.GroupBy(s => s.ServiceType)
        .Where(g => g.All(s => s.Lifetime == ServiceLifetime.Singleton && !s.IsKeyedService))
        .Select(g => g.Key)
        .ToHashSet());

    public bool Contains(Type type) => _types.Value.Contains(type);
}
