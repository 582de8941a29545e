using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ModularEmr.Modules.Rest.Http;

/// <summary>
/// The body of a write request, read once as JSON (or a form) before the token is checked: its
/// <c>access_token</c> field is taken out (so it is never bound, stored or echoed) and offered to the
/// bearer-token filter. Malformed JSON and other content types are refused here.
/// </summary>
public static class RestBody
{
    private const string BodyKey = "rest.body";
    private const string TokenKey = "rest.body.token";
    private const string AccessToken = "access_token";

    public static async ValueTask<object?> ReadAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method))
        {
            return await next(context);
        }

        JsonObject body;
        if (request.HasJsonContentType())
        {
            try
            {
                body = await JsonNode.ParseAsync(request.Body, cancellationToken: http.RequestAborted) as JsonObject
                    ?? throw new JsonException("The body must be a JSON object.");
            }
            catch (JsonException ex)
            {
                return RestError.Of(StatusCodes.Status400BadRequest, RestError.BadRequest, new RestMessage("BodyNotJson"), ex.Message);
            }
        }
        else if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(http.RequestAborted);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                // A form the framework cannot parse (a malformed multipart body, a field beyond its limits).
                return RestError.Of(StatusCodes.Status400BadRequest, RestError.BadRequest, new RestMessage("BodyNotForm"), ex.Message);
            }

            body = [];
            foreach (var (key, value) in form)
            {
                body[key] = value.ToString();
            }
        }
        else if (request.ContentLength is 0 or null && !request.Headers.ContainsKey("Transfer-Encoding"))
        {
            body = [];
        }
        else
        {
            return RestError.Of(StatusCodes.Status415UnsupportedMediaType, RestError.UnsupportedMediaType, new RestMessage("ContentTypeUnsupported", request.ContentType ?? string.Empty));
        }

        if (body.Remove(AccessToken, out var token))
        {
            http.Items[TokenKey] = token?.GetValueKind() == JsonValueKind.String ? token.GetValue<string>() : string.Empty;
        }

        http.Items[BodyKey] = body;
        return await next(context);
    }

    /// <summary>For <see cref="ModularEmr.Sdk.Security.BearerTokenOptions.ReadTokenFromBody"/>.</summary>
    public static ValueTask<string?> TakeToken(HttpContext http) => ValueTask.FromResult(http.Items[TokenKey] as string);

    public static JsonObject Get(HttpContext http) => http.Items[BodyKey] as JsonObject ?? [];
}
