namespace ModularEmr.Host.Data.Shared;

/// <summary>The version of one topic of <see cref="Sdk.Data.IChangeSignals"/> in a shared database.</summary>
internal sealed class ChangeSignal
{
    public const string Table = "change_signal";

    public required string Topic { get; set; }
    public long Version { get; set; }
}
