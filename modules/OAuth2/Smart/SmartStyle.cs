using System.Text.Json.Serialization;

namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>
/// The style document of SMART App Launch 2.2 §"Styling": colours, sizes and fonts an app may adopt so
/// that it looks at home beside this server's pages. The values are the ones those pages use.
/// </summary>
public sealed record SmartStyle(
    [property: JsonPropertyName("color_background")] string ColorBackground,
    [property: JsonPropertyName("color_error")] string ColorError,
    [property: JsonPropertyName("color_highlight")] string ColorHighlight,
    [property: JsonPropertyName("color_modal_backdrop")] string ColorModalBackdrop,
    [property: JsonPropertyName("color_success")] string ColorSuccess,
    [property: JsonPropertyName("color_text")] string ColorText,
    [property: JsonPropertyName("dim_border_radius")] string DimBorderRadius,
    [property: JsonPropertyName("dim_font_size")] string DimFontSize,
    [property: JsonPropertyName("dim_spacing_size")] string DimSpacingSize,
    [property: JsonPropertyName("font_family_body")] string FontFamilyBody,
    [property: JsonPropertyName("font_family_heading")] string FontFamilyHeading);
