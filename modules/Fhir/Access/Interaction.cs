namespace ModularEmr.Modules.Fhir.Access;

/// <summary>An interaction on a resource type, named by its SMART v2 permission letter.</summary>
public enum Interaction
{
    Create = 'c',
    Read = 'r',
    Update = 'u',
    Delete = 'd',
    Search = 's',
}
