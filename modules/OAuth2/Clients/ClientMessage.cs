using Microsoft.Extensions.Localization;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>
/// A refusal's words, decided by the registration rules and written out by whoever answers: the key of a
/// <see cref="ClientText"/> entry and its arguments (an argument may itself be a message, such as the
/// problem of a redirect URI inside the sentence naming it).
/// </summary>
public sealed record ClientMessage(string Key, params object[] Arguments)
{
    /// <summary>A refusal only a protocol endpoint gives, where an <c>error_description</c> is English anyway: the same words in every language.</summary>
    public static ClientMessage Protocol(string english) => new(nameof(Protocol), english);

    /// <summary>The message in the request's language, for a page.</summary>
    public string In(IStringLocalizer<ClientText> text) =>
        text[Key, Arguments.Select(a => a is ClientMessage inner ? inner.In(text) : a).ToArray()];

    /// <summary>The message in English, for an OAuth error body.</summary>
    public string InEnglish() =>
        EnglishText.Of<ClientText>(Key, Arguments.Select(a => a is ClientMessage inner ? inner.InEnglish() : a).ToArray());
}
