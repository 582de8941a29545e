using System.Text;
using Microsoft.Net.Http.Headers;

namespace ModularEmr.Host.Hosting;

/// <summary>
/// RFC 9110 §15.5.16: a body in a charset the server cannot decode is 415 Unsupported Media Type. The
/// framework's JSON and form readers throw on such a charset (UTF-7 is disabled in .NET; an unknown name
/// is unknown), which would end as a 500, so the charset is checked once, before any endpoint reads.
/// </summary>
internal sealed class RequestCharset(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            && type.Charset.HasValue
            && !IsDecodable(type.Charset.Value!))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported charset",
                detail: $"The request body's charset '{type.Charset.Value}' is not one this server reads; send UTF-8.").ExecuteAsync(context);
        }

        return next(context);
    }

    private static bool IsDecodable(string charset)
    {
        try
        {
            return Encoding.GetEncoding(charset.Trim('"')).CodePage != 65000; // UTF-7: disabled in .NET
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
