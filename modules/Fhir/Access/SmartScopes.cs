using System.Text.RegularExpressions;
using ModularEmr.Sdk.Security;

namespace ModularEmr.Modules.Fhir.Access;

/// <summary>SMART App Launch scopes: v2 (<c>patient/Patient.rs</c>) and v1 (<c>.read</c>, <c>.write</c>), for any resource type.</summary>
public static partial class SmartScopes
{
    /// <summary>The scopes for Patient, declared by this module; a contributed type's module declares its own.</summary>
    public static readonly IReadOnlyList<ScopeDeclaration> Declared =
    [
        new("patient/Patient.rs", "Your patient record", "Read your own patient record (name, birth date, identifiers, address)."),
        new("patient/Patient.read", "Your patient record (SMART v1)", "Read your own patient record."),
        new("user/Patient.rs", "Patient records you can see", "Read and search the patient records your account may see."),
        new("user/Patient.cruds", "Patient records you can change", "Read, search, create and update the patient records your account may, as you would."),
        new("user/Patient.read", "Patient records you can see (SMART v1)", "Read and search the patient records your account may see."),
        new("user/Patient.write", "Patient records you can change (SMART v1)", "Create and update the patient records your account may change."),
        new("system/Patient.rs", "All patient records (system)", "A server acting for itself may read and search every patient record."),
        new("system/Patient.cruds", "All patient records, changes (system)", "A server acting for itself may read, search, create and update every patient record."),
        new("system/Patient.read", "All patient records (system, SMART v1)", "A server acting for itself may read and search every patient record."),
    ];

    private static readonly string[] LaunchContexts = ["patient", "user", "system"];

    /// <summary>
    /// The contexts (<c>patient</c>, <c>user</c>, <c>system</c>) in which the scopes allow the interaction on
    /// <paramref name="resourceType"/>; a wildcard type (<c>patient/*.rs</c>) allows it on every type.
    /// </summary>
    public static IReadOnlySet<string> ContextsAllowing(IEnumerable<string> scopes, string resourceType, Interaction interaction)
    {
        var contexts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            var match = ScopePattern().Match(scope);
            if (!match.Success || (match.Groups["type"].Value != resourceType && match.Groups["type"].Value != "*"))
            {
                continue;
            }

            var permissions = match.Groups["permissions"].Value switch
            {
                "read" => "rs",
                "write" => "cud",
                "*" => "cruds",
                var letters => letters,
            };
            if (permissions.Contains((char)interaction, StringComparison.Ordinal))
            {
                contexts.Add(match.Groups["context"].Value);
            }
        }

        return contexts;
    }

    /// <summary>The scopes to name in an <c>insufficient_scope</c> challenge (RFC 6750 §3.1) for the interaction.</summary>
    public static IReadOnlyList<string> Sufficient(string resourceType, Interaction interaction)
    {
        IEnumerable<string> candidates = resourceType == "Patient"
            ? Declared.Select(d => d.Name)
            : LaunchContexts.Select(context => $"{context}/{resourceType}.{(interaction is Interaction.Read or Interaction.Search ? "rs" : "cruds")}");
        return candidates.Where(name => ContextsAllowing([name], resourceType, interaction).Count > 0).ToList();
    }

    /// <summary>
    /// SMART v2 §3.0.2: letters in the order c, r, u, d, s; v1 read, write and *. A granular scope
    /// (§3.0.2.3, <c>patient/Observation.rs?category=…</c>) is not matched at all: its filter is not
    /// enforced here, and reading it as the whole type would grant more than the patient consented to.
    /// </summary>
    [GeneratedRegex(@"^(?<context>patient|user|system)/(?<type>[A-Z][A-Za-z]*|\*)\.(?<permissions>read|write|\*|c?r?u?d?s?)$")]
    private static partial Regex ScopePattern();
}
