namespace ModularEmr.Modules.OAuth2.Smart;

/// <summary>What the EHR sends to launch an app: which app, for which patient in view.</summary>
public sealed record EhrLaunchRequest(string? ClientId, Guid? Patient);
