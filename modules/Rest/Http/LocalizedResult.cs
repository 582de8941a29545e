using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace ModularEmr.Modules.Rest.Http;

/// <summary>
/// A result whose words are looked up when it is written, with the request's <see cref="RestText"/>
/// localizer: a handler, filter or helper returns an error without being handed the localizer.
/// </summary>
public sealed class LocalizedResult(Func<IStringLocalizer<RestText>, IResult> render) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return render(httpContext.RequestServices.GetRequiredService<IStringLocalizer<RestText>>()).ExecuteAsync(httpContext);
    }
}
