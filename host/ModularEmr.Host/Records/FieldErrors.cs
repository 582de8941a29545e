using ModularEmr.Sdk.Data;

namespace ModularEmr.Host.Records;

/// <summary>Messages per field, gathered before anything is written, and thrown together as one refusal.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public int Count => _errors.Count;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public void AddRange(IReadOnlyDictionary<string, List<string>> errors)
    {
        foreach (var (field, messages) in errors)
        {
            messages.ForEach(message => Add(field, message));
        }
    }

    /// <summary>Throws the gathered messages as a <see cref="RecordValidationException"/>, if there are any.</summary>
    /// <param name="summaryKey">The <see cref="RecordText"/> key of the summary, which takes the messages joined.</param>
    public void ThrowIfAny(string summaryKey)
    {
        if (_errors.Count > 0)
        {
            throw new RecordValidationException(
                RecordText.Format(summaryKey, string.Join("; ", _errors.Values.SelectMany(v => v))),
                _errors.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value, StringComparer.Ordinal));
        }
    }
}
