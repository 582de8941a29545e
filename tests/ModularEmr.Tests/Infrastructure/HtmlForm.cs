using System.Net;
using System.Text.RegularExpressions;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>A form read from one of the server's pages, as a browser would submit it.</summary>
internal sealed partial record HtmlForm(string Action, List<KeyValuePair<string, string>> Fields)
{
    /// <summary>The form whose action ends with <paramref name="actionSuffix"/> (the first form if null).</summary>
    public static HtmlForm Find(string html, string? actionSuffix = null)
    {
        foreach (Match form in FormPattern().Matches(html))
        {
            var action = WebUtility.HtmlDecode(form.Groups["action"].Value);
            if (actionSuffix is not null && !action.EndsWith(actionSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            var fields = InputPattern().Matches(form.Groups["body"].Value)
                .Where(input => input.Groups["type"].Value is "hidden" or "text" or "password")
                .Select(input => KeyValuePair.Create(WebUtility.HtmlDecode(input.Groups["name"].Value), WebUtility.HtmlDecode(input.Groups["value"].Value)))
                .ToList();
            return new HtmlForm(action, fields);
        }

        throw new InvalidOperationException($"No form with action ending '{actionSuffix}' in:\n{html}");
    }

    public HtmlForm With(string name, string value)
    {
        var fields = Fields.Where(f => f.Key != name).Append(KeyValuePair.Create(name, value)).ToList();
        return this with { Fields = fields };
    }

    public HtmlForm Without(string name) => this with { Fields = Fields.Where(f => f.Key != name).ToList() };

    public FormUrlEncodedContent Content() => new(Fields);

    [GeneratedRegex("<form[^>]*action=\"(?<action>[^\"]*)\"[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input type=\"(?<type>[a-z]+)\"[^>]*?name=\"(?<name>[^\"]*)\"(?:[^>]*?value=\"(?<value>[^\"]*)\")?", RegexOptions.Singleline)]
    private static partial Regex InputPattern();
}
