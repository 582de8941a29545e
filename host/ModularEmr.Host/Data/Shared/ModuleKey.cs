namespace ModularEmr.Host.Data.Shared;

/// <summary>A module's key kept in a shared database (<see cref="DatabaseModuleKeyStore"/>).</summary>
internal sealed class ModuleKey
{
    public const string Table = "module_key";

    public required string ModuleId { get; set; }
    public required string Name { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
