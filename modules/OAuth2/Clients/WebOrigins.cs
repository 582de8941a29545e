namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>
/// The web origins a client registers for CORS (RFC 6454 §6.2 serialisation: <c>scheme://host[:port]</c>),
/// under the same rules as redirect URIs: https, or http on loopback only.
/// </summary>
public static class WebOrigins
{
    private const int MaxCount = 10;

    public static IReadOnlyList<string> Validate(IReadOnlyList<string>? origins)
    {
        var valid = new List<string>();
        foreach (var text in (origins ?? []).Select(o => o?.Trim() ?? string.Empty).Where(o => o.Length > 0))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
                || uri.AbsolutePath != "/" || text.TrimEnd('/').Length < text.Length - 1 || text.Length > 200)
            {
                throw Invalid(new("OriginInvalid", text));
            }

            if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            {
                throw Invalid(new("OriginHttps", text));
            }

            var origin = uri.GetLeftPart(UriPartial.Authority);
            if (!valid.Contains(origin, StringComparer.Ordinal))
            {
                valid.Add(origin);
            }
        }

        return valid.Count > MaxCount ? throw Invalid(new("OriginCount", MaxCount)) : valid;
    }

    private static ClientRegistrationException Invalid(ClientMessage text) => new("invalid_client_metadata", text);
}
