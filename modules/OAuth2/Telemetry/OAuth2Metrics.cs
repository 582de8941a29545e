using System.Diagnostics.Metrics;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.OAuth2.Telemetry;

/// <summary>
/// What the authorization server did, for an operator's dashboards: tokens issued and refused by grant
/// type, and bearer tokens validated by outcome. The host collects meters named <c>ModularEmr.*</c>.
/// Tags name grant types, error codes and failure kinds, never a client, user or token: those would make
/// a series per person, and belong in the audit trail.
/// </summary>
public sealed class OAuth2Metrics
{
    public const string MeterName = "ModularEmr.OAuth2";

    private readonly Counter<long> _tokenResponses;
    private readonly Counter<long> _validations;

    public OAuth2Metrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _tokenResponses = meter.CreateCounter<long>(
            "emr.oauth2.token.responses", unit: "{response}", description: "Token endpoint answers, by grant type and outcome (issued, or the RFC 6749 error code).");
        _validations = meter.CreateCounter<long>(
            "emr.oauth2.token.validations", unit: "{validation}", description: "Bearer tokens checked for the modules, by outcome (valid, or why not) and whether the answer came from the cache.");
    }

    /// <summary>One token endpoint answer: <paramref name="error"/> null when tokens were issued.</summary>
    public void TokenResponse(string? grantType, string? error) =>
        _tokenResponses.Add(
            1,
            new KeyValuePair<string, object?>("grant_type", Known(grantType)),
            new KeyValuePair<string, object?>("outcome", error ?? "issued"));

    /// <summary>One bearer token checked.</summary>
    public void Validation(TokenValidationResult result, bool cached) =>
        _validations.Add(
            1,
            new KeyValuePair<string, object?>("outcome", result.IsValid ? "valid" : Outcome(result.Failure)),
            new KeyValuePair<string, object?>("cached", cached));

    /// <summary>Grant types are chosen by clients: anything but the registered ones is counted as "other", so a client cannot mint series.</summary>
    private static string Known(string? grantType) => grantType switch
    {
        null or "" => "none",
        "authorization_code" or "client_credentials" or "refresh_token" or "password" or "urn:ietf:params:oauth:grant-type:device_code"
            or "urn:ietf:params:oauth:grant-type:token-exchange" => grantType,
        _ => "other",
    };

    private static string Outcome(TokenValidationFailure failure) => failure.ToString().ToLowerInvariant();
}
