using Microsoft.AspNetCore.Http;

namespace ModularEmr.Sdk.Security;

/// <summary>How <see cref="BearerTokenFilter"/> finds tokens and answers refusals for one route group.</summary>
public sealed class BearerTokenOptions
{
    /// <summary>The <c>realm</c> of the <c>WWW-Authenticate</c> challenge, e.g. the module's base URL.</summary>
    public string Realm { get; set; } = "ModularEmr";

    /// <summary>Accept <c>access_token</c> in an <c>application/x-www-form-urlencoded</c> body (RFC 6750 §2.2).</summary>
    public bool AcceptFormBody { get; set; }

    /// <summary>
    /// Further places a token may be read from (for instance a JSON body field). Called only when the
    /// header and form body hold none; returns the token or null.
    /// </summary>
    public Func<HttpContext, ValueTask<string?>>? ReadTokenFromBody { get; set; }

    /// <summary>
    /// Writes the body of a refusal in the module's own error format (OperationOutcome, OpenMRS error…).
    /// The status code and <c>WWW-Authenticate</c> header are set by the filter either way.
    /// </summary>
    public Func<HttpContext, BearerTokenRefusal, IResult> Refuse { get; set; } =
        static (_, refusal) => Results.Json(
            new Dictionary<string, string> { ["error"] = refusal.Error, ["error_description"] = refusal.Description },
            statusCode: refusal.StatusCode);
}

/// <summary>Why a request was refused, in RFC 6750 §3.1 terms.</summary>
/// <param name="StatusCode">400, 401 or 403.</param>
/// <param name="Error">
/// <c>invalid_request</c>, <c>invalid_token</c>, <c>insufficient_scope</c>, or empty when no token was
/// presented at all (RFC 6750 §3.1: then the challenge carries no error code).
/// </param>
/// <param name="Description">
/// A sentence for the developer of the client, in English: it goes into the <c>WWW-Authenticate</c>
/// challenge, whose values RFC 6750 §3 limits to printable ASCII.
/// </param>
/// <param name="RequiredScopes">For <c>insufficient_scope</c>: the scopes that would have sufficed.</param>
public sealed record BearerTokenRefusal(int StatusCode, string Error, string Description, IReadOnlyList<string>? RequiredScopes = null)
{
    private readonly string? _text;

    /// <summary>No token was presented.</summary>
    public bool IsMissingToken => Error.Length == 0;

    /// <summary>
    /// The refusal told to a person, in the request's language (since 1.7.0): the bearer filter sets it
    /// before calling <see cref="BearerTokenOptions.Refuse"/>, for the error body. Unless set, the
    /// <see cref="Description"/>.
    /// </summary>
    public string Text
    {
        get => _text ?? Description;
        init => _text = value;
    }
}
