using ModularEmr.Sdk.Modules;

namespace ModularEmr.Modules.OAuth2;

/// <summary>The OAuth2 module (OAuth 2.0 authorization server for EMR clients). Its features arrive with their own issues.</summary>
public sealed class OAuth2Module : EmrModule
{
}
