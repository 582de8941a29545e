using Microsoft.Extensions.Localization;

namespace ModularEmr.Modules.Rest.Http;

/// <summary>
/// A message of the module's own, decided where the handler knows what went wrong and written out when the
/// error body is: the key of a <see cref="RestText"/> entry and its arguments.
/// </summary>
public sealed record RestMessage(string Key, params object[] Arguments)
{
    /// <summary>The message in the request's language.</summary>
    public string In(IStringLocalizer<RestText> text) => text[Key, Arguments];
}
