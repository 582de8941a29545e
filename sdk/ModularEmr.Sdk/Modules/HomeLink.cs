namespace ModularEmr.Sdk.Modules;

/// <summary>
/// A link a module puts on the host's home page (<c>/</c>), registered with
/// <see cref="ModuleServiceCollectionExtensions.AddHomeLink"/>: the host lists what its modules offer
/// without knowing their URLs. Added in sdk 1.6.0.
/// </summary>
/// <param name="Title">The link's text.</param>
/// <param name="Url">A path on this server.</param>
/// <param name="Description">One sentence on what is there.</param>
public sealed record HomeLink(string Title, string Url, string Description)
{
    /// <summary>Who sees the link: everyone (the default), only visitors not signed in, or only signed-in users.</summary>
    public HomeLinkAudience Audience { get; init; } = HomeLinkAudience.Everyone;

    /// <summary>When set, only signed-in users holding this privilege see the link.</summary>
    public string? Privilege { get; init; }

    /// <summary>
    /// When set, <see cref="Title"/> and <see cref="Description"/> are keys of this type's resources (the
    /// <c>.resx</c> beside it, read through <c>IStringLocalizer</c>), shown in the visitor's language.
    /// </summary>
    public Type? Texts { get; init; }
}
