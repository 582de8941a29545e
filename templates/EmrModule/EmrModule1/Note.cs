namespace EmrModule1;

/// <summary>A note written about a patient.</summary>
public sealed class Note
{
    public int Id { get; set; }

    public Guid Uuid { get; set; } = Guid.NewGuid();

    public Guid PatientUuid { get; set; }

    public required string Text { get; set; }

    public DateTimeOffset WrittenAt { get; set; }
}
