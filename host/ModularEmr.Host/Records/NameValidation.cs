using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records;

/// <summary>OpenMRS's rules for a person name: given and family names required, every field at most 50 characters.</summary>
internal static class NameValidation
{
    public const int MaxLength = 50;

    public static Dictionary<string, List<string>> Check(PersonNameInput name, string prefix = "")
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        Required(name.GivenName, "givenName");
        Required(name.FamilyName, "familyName");
        Length(name.Prefix, "prefix");
        Length(name.GivenName, "givenName");
        Length(name.MiddleName, "middleName");
        Length(name.FamilyNamePrefix, "familyNamePrefix");
        Length(name.FamilyName, "familyName");
        Length(name.FamilyName2, "familyName2");
        Length(name.FamilyNameSuffix, "familyNameSuffix");
        Length(name.Degree, "degree");
        return errors;

        void Required(string? value, string field)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(field, RecordText.Format("FieldRequired", field));
            }
        }

        void Length(string? value, string field)
        {
            if (value?.Trim().Length > MaxLength)
            {
                Add(field, RecordText.Format("FieldTooLong", field, MaxLength));
            }

            // A control character (NUL, a line break) is never part of a name, and cannot be written
            // to FHIR's XML format at all.
            if (value is not null && value.Any(char.IsControl))
            {
                Add(field, RecordText.Format("FieldControlCharacters", field));
            }
        }

        void Add(string field, string message)
        {
            var key = prefix + field;
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }

            list.Add(message);
        }
    }

    public static RecordValidationException Refusal(Dictionary<string, List<string>> errors) => new(
        RecordText.Format("NameInvalid", string.Join("; ", errors.Values.SelectMany(v => v))),
        errors.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value, StringComparer.Ordinal));

    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
