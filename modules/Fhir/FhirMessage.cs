using Microsoft.Extensions.Localization;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Modules.Fhir;

/// <summary>
/// A message decided before the language is known to matter: the key of a <see cref="FhirText"/> entry and
/// its arguments, written out in the reader's language for the body and in English for a header.
/// </summary>
public sealed record FhirMessage(string Key, params object[] Arguments)
{
    /// <summary>The message in the request's language.</summary>
    public string In(IStringLocalizer<FhirText> text) => text[Key, Arguments];

    /// <summary>The message in English, for a challenge header (<see cref="EnglishText"/>).</summary>
    public string InEnglish() => EnglishText.Of<FhirText>(Key, Arguments);
}
