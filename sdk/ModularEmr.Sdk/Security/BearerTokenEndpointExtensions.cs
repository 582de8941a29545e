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
        return builder.AddEndpointFilter(new BearerTokenFilter(options));
    }

    /// <summary>The token must carry at least one of <paramref name="anyOf"/>.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params string[] anyOf)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new RequiredScopeMetadata(anyOf));

    /// <summary>The user the token acts for must hold every one of <paramref name="allOf"/>.</summary>
    public static TBuilder RequirePrivilege<TBuilder>(this TBuilder builder, params string[] allOf)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new RequiredPrivilegeMetadata(allOf));

    /// <summary>The validated token of this request, once <see cref="BearerTokenFilter"/> let it through.</summary>
    public static TokenValidationResult? GetAccessToken(this HttpContext context) =>
        context.Features.Get<AccessTokenFeature>()?.Token;
}
