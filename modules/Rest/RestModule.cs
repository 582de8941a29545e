using ModularEmr.Sdk.Modules;

namespace ModularEmr.Modules.Rest;

/// <summary>The REST module (OpenMRS-style REST web services). Its features arrive with their own issues.</summary>
public sealed class RestModule : EmrModule
{
}
