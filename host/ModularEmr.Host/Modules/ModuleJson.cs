using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModularEmr.Host.Modules;

/// <summary>Strict reading of <c>modules.json</c> and <c>module.json</c>: unknown keys are errors, with line and column.</summary>
internal static class ModuleJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static T Read<T>(string file, string? moduleId)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModuleConfigurationException(file, moduleId, $"cannot be read: {ex.Message}");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text, Options)
                ?? throw new ModuleConfigurationException(file, moduleId, "holds null instead of an object");
        }
        catch (JsonException ex)
        {
            throw new ModuleConfigurationException(file, moduleId, Describe(ex), ex);
        }
    }

    private static string Describe(JsonException ex)
    {
        var where = ex.LineNumber is { } line
            ? $"line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}"
            : "at its start";
        var path = ex.Path is { Length: > 1 } p ? p : null;
        var what = ex.Message switch
        {
            var m when m.Contains("could not be mapped", StringComparison.Ordinal) =>
                $"unknown key '{LastSegment(path)}'",
            var m when m.Contains("missing required properties", StringComparison.Ordinal) =>
                $"a required key is missing ({RequiredNames(m)})",
            var m when m.Contains("could not be converted", StringComparison.Ordinal) =>
                $"the value of '{LastSegment(path)}' has the wrong type",
            var m when m.Contains("null", StringComparison.OrdinalIgnoreCase) && path is not null =>
                $"'{LastSegment(path)}' must not be null",
            _ => "is not valid JSON: " + FirstSentence(ex.Message),
        };
        return path is null ? $"{where}: {what}" : $"{where} ({path}): {what}";
    }

    private static string LastSegment(string? path) =>
        path is null ? "?" : path[(path.LastIndexOf('.') + 1)..].TrimEnd(']').Split('[')[0].Trim('\'', '[', ']');

    private static string RequiredNames(string message)
    {
        var start = message.IndexOf(':', StringComparison.Ordinal);
        return start < 0 ? "see the documentation" : message[(start + 1)..].Split('.')[0].Trim().Trim('\'');
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
