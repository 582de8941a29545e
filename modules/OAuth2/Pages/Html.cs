using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>Server-rendered pages: one layout, every value HTML-encoded, every form carrying an antiforgery token.</summary>
public static class Html
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1d2733}
        h1{font-size:1.5rem}label{display:block;margin:.6rem 0 .2rem}input[type=text],input[type=password],input[type=url],textarea,select{width:100%;padding:.4rem;box-sizing:border-box}
        button{padding:.45rem 1rem;margin:.6rem .4rem 0 0}.error{color:#a01818;background:#fdecec;padding:.6rem}.warning{background:#fff6d6;padding:.6rem}
        .secret{font-family:monospace;background:#eef;padding:.6rem;word-break:break-all}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
        """;

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);

    public static IResult Page(string title, string body, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(
            $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{Encode(title)} · ModularEmr</title><style>{Style}</style></head><body><h1>{Encode(title)}</h1>{body}</body></html>",
            "text/html; charset=utf-8",
            Encoding.UTF8,
            statusCode);

    public static string AntiforgeryField(IAntiforgery antiforgery, HttpContext context)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{Encode(tokens.FormFieldName)}\" value=\"{Encode(tokens.RequestToken)}\">";
    }

    public static string Hidden(string name, string? value) =>
        $"<input type=\"hidden\" name=\"{Encode(name)}\" value=\"{Encode(value)}\">";

    public static string Error(string? message) => message is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{Encode(message)}</p>";

    /// <summary>Only a path on this server may be a return URL: never another site (open redirect).</summary>
    public static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains('\\', StringComparison.Ordinal)
        // Browsers drop tabs and line breaks from a Location before reading it: "/\t/evil.example" is "//evil.example".
        && !url.Any(char.IsControl);

    /// <summary>Answers a form whose antiforgery token is missing or wrong.</summary>
    public static async Task<IResult?> RefuseForgedAsync(IAntiforgery antiforgery, HttpContext context)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return Page("Form expired", "<p class=\"error\">This form was not sent from this site, or it expired. Go back, reload the page and try again.</p>", StatusCodes.Status400BadRequest);
        }
    }
}
