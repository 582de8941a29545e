using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Modules.Fhir.Access;
using ModularEmr.Modules.Fhir.Contributed;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Modules.Fhir.Conformance;

/// <summary><c>.well-known/smart-configuration</c> with the fields SMART App Launch v2 §2.1 requires.</summary>
public static class SmartConfiguration
{
    public static Dictionary<string, object> Create(HttpRequest request)
    {
        var origin = request.HttpContext.RequestServices.GetRequiredService<IPublicOrigin>().For(request);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["issuer"] = origin + "/",
            ["jwks_uri"] = $"{origin}/.well-known/jwks",
            ["authorization_endpoint"] = $"{origin}/ws/oauth2/authorize",
            ["token_endpoint"] = $"{origin}/ws/oauth2/token",
            ["revocation_endpoint"] = $"{origin}/ws/oauth2/revoke",
            ["introspection_endpoint"] = $"{origin}/ws/oauth2/introspect",
            ["userinfo_endpoint"] = $"{origin}/ws/oauth2/userinfo",
            ["registration_endpoint"] = $"{origin}/ws/oauth2/register",
            ["grant_types_supported"] = new[] { "authorization_code", "refresh_token", "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post", "private_key_jwt" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
            ["response_types_supported"] = new[] { "code" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["scopes_supported"] = SmartScopes.Declared.Select(s => s.Name)
                .Concat(request.HttpContext.RequestServices.GetRequiredService<ContributedResources>().All.SelectMany(c => SmartScopes.Sufficient(c.Definition.Type, Interaction.Read)))
                .Concat(["openid", "fhirUser", "launch", "launch/patient", "offline_access", "profile"]).ToArray(),
            ["capabilities"] = new[]
            {
                "launch-standalone", "launch-ehr", "context-ehr-patient", "authorize-post", "client-public", "client-confidential-symmetric", "client-confidential-asymmetric", "context-standalone-patient",
                "context-banner", "context-style", "permission-patient", "permission-user", "permission-offline", "permission-v1",
                "permission-v2", "sso-openid-connect",
            },
        };
    }
}
