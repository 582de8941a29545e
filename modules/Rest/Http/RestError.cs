using Microsoft.AspNetCore.Http;

namespace ModularEmr.Modules.Rest.Http;

/// <summary>
/// OpenMRS webservices.rest error bodies: <c>{"error": {"message", "code", "detail"}}</c>. The module's own
/// messages are <see cref="RestMessage"/>s, written in the request's language; text passed as a string
/// (the core records' refusals) is already in it.
/// </summary>
public static class RestError
{
    public const string NotFound = "webservices.rest.error.not.found";
    public const string InvalidSubmission = "webservices.rest.error.invalid.submission";
    public const string BadRequest = "webservices.rest.error.bad.request";
    public const string Unauthorized = "webservices.rest.error.unauthorized";
    public const string Forbidden = "webservices.rest.error.forbidden";
    public const string UnsupportedMediaType = "webservices.rest.error.unsupported.media.type";
    public const string Conflict = "webservices.rest.error.conflict";
    public const string NotSaved = "webservices.rest.error.not.saved";

    public static IResult Of(int status, string code, string message, string detail = "") =>
        Results.Json(new { error = new { message, code, detail } }, statusCode: status);

    public static IResult Of(int status, string code, RestMessage message, string detail = "") =>
        new LocalizedResult(text => Of(status, code, message.In(text), detail));

    public static IResult NotFoundUuid(string what, string uuid) =>
        Of(StatusCodes.Status404NotFound, NotFound, new RestMessage("NotFoundUuid", what, uuid));

    /// <summary>A validation failure, with messages per field as OpenMRS returns them.</summary>
    public static IResult Invalid(IReadOnlyDictionary<string, IReadOnlyList<string>> fieldErrors, IReadOnlyList<string>? globalErrors = null) =>
        new LocalizedResult(text => Results.Json(
            new
            {
                error = new
                {
                    message = text["InvalidSubmission"].Value,
                    code = InvalidSubmission,
                    globalErrors = (globalErrors ?? []).Select(m => new { code = "error.general", message = m }),
                    fieldErrors = fieldErrors.ToDictionary(f => f.Key, f => f.Value.Select(m => new { code = "error.invalid", message = m })),
                },
            },
            statusCode: StatusCodes.Status400BadRequest));

    /// <inheritdoc cref="Invalid(IReadOnlyDictionary{string, IReadOnlyList{string}}, IReadOnlyList{string}?)"/>
    public static IResult Invalid(IReadOnlyDictionary<string, RestMessage> fieldErrors) =>
        new LocalizedResult(text => Invalid(fieldErrors.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)[f.Value.In(text)], StringComparer.Ordinal)));

    public static IResult Invalid(string field, RestMessage message) =>
        Invalid(new Dictionary<string, RestMessage> { [field] = message });
}
