using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ModularEmr.Sdk.Security;

/// <summary>
/// The <c>WWW-Authenticate: Bearer …</c> challenge of RFC 6750 §3, for the bearer filter and for the
/// refusals a module decides itself (a 403 for a scope its own rules found missing).
/// </summary>
public static class BearerChallenge
{
    /// <summary>Sets the challenge of <paramref name="refusal"/> on <paramref name="response"/>.</summary>
    public static void Write(HttpResponse response, string realm, BearerTokenRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers[HeaderNames.WWWAuthenticate] = Format(realm, refusal);
    }

    /// <summary>The challenge text: realm, then (unless no token was sent) error and description, then the scopes that would do.</summary>
    public static string Format(string realm, BearerTokenRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var challenge = $"Bearer realm=\"{Quotable(realm)}\"";
        if (!refusal.IsMissingToken)
        {
            challenge += $", error=\"{Quotable(refusal.Error)}\", error_description=\"{Quotable(refusal.Description)}\"";
        }

        if (refusal.RequiredScopes is { Count: > 0 } scopes)
        {
            challenge += $", scope=\"{Quotable(string.Join(' ', scopes))}\"";
        }

        return challenge;
    }

    /// <summary>
    /// RFC 6750 §3: the values hold only %x20-21 / %x23-5B / %x5D-7E, and a header must be ASCII anyway
    /// (Kestrel throws on anything else, which would turn a refusal into a 500). Text a module wrote in
    /// prose may hold quotes, backslashes or non-ASCII letters: they become an apostrophe, a slash or
    /// '?'. The response body keeps the description as written.
    /// </summary>
    private static string Quotable(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] switch
                {
                    '"' => '\'',
                    '\\' => '/',
                    >= ' ' and <= '~' and var c => c,
                    _ => '?',
                };
            }
        });
}
