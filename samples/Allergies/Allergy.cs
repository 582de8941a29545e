namespace ModularEmr.Samples.Allergies;

/// <summary>An allergy recorded for a patient.</summary>
public sealed class Allergy
{
    public int Id { get; set; }

    public Guid Uuid { get; set; } = Guid.NewGuid();

    public Guid PatientUuid { get; set; }

    public required string Substance { get; set; }

    public string? Reaction { get; set; }

    public AllergySeverity Severity { get; set; }

    public AllergyClinicalStatus ClinicalStatus { get; set; } = AllergyClinicalStatus.Active;

    public Guid? RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}
