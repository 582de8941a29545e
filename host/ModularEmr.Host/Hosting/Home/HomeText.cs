namespace ModularEmr.Host.Hosting.Home;

/// <summary>The home page's words, in <c>HomeText.resx</c> (English), <c>HomeText.fr.resx</c> and <c>HomeText.es.resx</c>.</summary>
public sealed class HomeText;
