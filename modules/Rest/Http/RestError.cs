using Microsoft.AspNetCore.Http;

namespace ModularEmr.Modules.Rest.Http;

/// <summary>OpenMRS webservices.rest error bodies: <c>{"error": {"message", "code", "detail"}}</c>.</summary>
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

    public static IResult NotFoundUuid(string what, string uuid) =>
        Of(StatusCodes.Status404NotFound, NotFound, $"Object with given uuid doesn't exist: {what} {uuid}");

    /// <summary>A validation failure, with messages per field as OpenMRS returns them.</summary>
    public static IResult Invalid(IReadOnlyDictionary<string, IReadOnlyList<string>> fieldErrors, IReadOnlyList<string>? globalErrors = null) =>
        Results.Json(
            new
            {
                error = new
                {
                    message = "Invalid Submission",
                    code = InvalidSubmission,
                    globalErrors = (globalErrors ?? []).Select(m => new { code = "error.general", message = m }),
                    fieldErrors = fieldErrors.ToDictionary(f => f.Key, f => f.Value.Select(m => new { code = "error.invalid", message = m })),
                },
            },
            statusCode: StatusCodes.Status400BadRequest);

    public static IResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, IReadOnlyList<string>> { [field] = [message] });
}
