using System.Text.Json.Serialization;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>A launch made: the id, and the app's launch URL with <c>iss</c> and <c>launch</c> to open.</summary>
public sealed record EhrLaunchCreated(
    [property: JsonPropertyName("launch")] string Launch,
    [property: JsonPropertyName("launch_url")] string LaunchUrl,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);
