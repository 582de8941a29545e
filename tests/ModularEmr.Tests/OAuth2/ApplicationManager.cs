using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Tests.OAuth2;

/// <summary>
/// The OAuth2 module's OpenIddict application manager in a host's scope, as the module's requests use it. The
/// module and its OpenIddict live in the module's load context, which the tests do not reference: the manager
/// is found there by name and called through reflection.
/// </summary>
internal sealed class ApplicationManager(object manager, Type contract)
{
    public static ApplicationManager In(IServiceProvider services)
    {
        var module = AssemblyLoadContext.GetLoadContext(services.GetRequiredService<IOAuth2Service>().GetType().Assembly)!;
        var contract = module.Assemblies.Single(a => a.GetName().Name == "OpenIddict.Abstractions").GetType("OpenIddict.Abstractions.IOpenIddictApplicationManager", throwOnError: true)!;
        return new ApplicationManager(services.GetRequiredService(contract), contract);
    }

    public async Task<string?> DisplayNameAsync(string clientId)
    {
        var application = await (ValueTask<object?>)Invoke("FindByClientIdAsync", clientId, CancellationToken.None);
        return application is null ? null : await (ValueTask<string?>)Invoke("GetDisplayNameAsync", application, CancellationToken.None);
    }

    private object Invoke(string method, params object[] arguments) =>
        contract.GetMethod(method, BindingFlags.Public | BindingFlags.Instance, arguments.Select(a => a.GetType() == typeof(CancellationToken) ? typeof(CancellationToken) : a is string ? typeof(string) : typeof(object)).ToArray())!
            .Invoke(manager, arguments)!;
}
