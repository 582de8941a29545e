namespace ModularEmr.Samples.Allergies;

/// <summary>How bad a reaction is.</summary>
public enum AllergySeverity
{
    Mild,
    Moderate,
    Severe,
}
