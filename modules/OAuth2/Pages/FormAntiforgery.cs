using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>
/// The pages' forms are checked by the framework: their endpoints carry <see cref="RequireAntiforgeryTokenAttribute"/>,
/// and the host's antiforgery middleware validates the token each form holds (<c>&lt;AntiforgeryToken /&gt;</c>)
/// against its cookie. A handler reads the verdict rather than binding the form, so that it can first send a
/// signed-out user to sign in, and answer a forged form with a page.
/// </summary>
public static class FormAntiforgery
{
    /// <summary>The form posted to these endpoints must carry this site's antiforgery token.</summary>
    public static TBuilder RequireAntiforgery<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequireAntiforgeryTokenAttribute());

    /// <summary>Whether the middleware found this request's token valid; a request it did not check is not.</summary>
    public static bool Passed(HttpContext http) => http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: true };

    /// <summary>The answer to a form whose token is missing or wrong.</summary>
    public static IResult Expired() => PageResults.Message("FormExpiredTitle", "FormExpired", StatusCodes.Status400BadRequest);
}
