using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ModularEmr.Sdk.Security;

/// <summary>Registration of the bearer-token rules on endpoints and route groups.</summary>
public static class BearerTokenEndpointExtensions
{
    /// <summary>Every endpoint of <paramref name="builder"/> needs a valid bearer token.</summary>
    public static TBuilder RequireBearerToken<TBuilder>(this TBuilder builder, Action<BearerTokenOptions>? configure = null)
        where TBuilder : IEndpointConventionBuilder
    {
        var options = new BearerTokenOptions();
        configure?.Invoke(options);
        builder.Add(endpoint => AddBearerToken(endpoint, options));
        return builder;
    }

    /// <summary>
    /// The token must carry at least one of <paramref name="anyOf"/>. A scope only means something on a
    /// token, so the endpoint needs a bearer token even where <see cref="RequireBearerToken{TBuilder}"/>
    /// was forgotten: a module author's omission must never open patient data to anyone.
    /// </summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params string[] anyOf)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new RequiredScopeMetadata(anyOf));
        builder.Add(ImplyBearerToken);
        return builder;
    }

    /// <summary>
    /// The user the token acts for must hold every one of <paramref name="allOf"/>. Like
    /// <see cref="RequireScope{TBuilder}"/>, it implies a bearer token.
    /// </summary>
    public static TBuilder RequirePrivilege<TBuilder>(this TBuilder builder, params string[] allOf)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new RequiredPrivilegeMetadata(allOf));
        builder.Add(ImplyBearerToken);
        return builder;
    }

    /// <summary>The validated token of this request, once <see cref="BearerTokenFilter"/> let it through.</summary>
    public static TokenValidationResult? GetAccessToken(this HttpContext context) =>
        context.Features.Get<AccessTokenFeature>()?.Token;

    /// <summary>
    /// Puts the bearer filter (default options) in front of an endpoint that declares a requirement, unless
    /// a group above it already required a bearer token (group conventions run first, so that is known
    /// here). A <see cref="RequireBearerToken{TBuilder}"/> on the endpoint itself, after the requirement,
    /// adds its own filter further in; this one then steps aside for it, so the module's options (realm,
    /// error body) answer. Filters must be added here, not in a "finally" convention: the framework builds
    /// the filter pipeline before those run.
    /// </summary>
    private static void ImplyBearerToken(EndpointBuilder endpoint)
    {
        if (endpoint.Metadata.Any(m => m is RequiredBearerTokenMetadata or ImpliedBearerTokenMetadata))
        {
            return;
        }

        endpoint.Metadata.Add(new ImpliedBearerTokenMetadata());
        var filter = new BearerTokenFilter(new BearerTokenOptions());
        endpoint.FilterFactories.Add((_, next) => invocation =>
            invocation.HttpContext.GetEndpoint()?.Metadata.GetMetadata<RequiredBearerTokenMetadata>() is not null
                ? next(invocation)
                : filter.InvokeAsync(invocation, next));
    }

    private static void AddBearerToken(EndpointBuilder endpoint, BearerTokenOptions options)
    {
        endpoint.Metadata.Add(new RequiredBearerTokenMetadata(options));
        var filter = new BearerTokenFilter(options);
        endpoint.FilterFactories.Add((_, next) => invocation => filter.InvokeAsync(invocation, next));
    }
}
