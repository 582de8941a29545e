using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Accounts;
using OpenIddict.Abstractions;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>The consent step of the authorization endpoint: what the page shows, gathered from the client's registration and the declared scopes.</summary>
public static class ConsentPage
{
    public static async Task<IResult> RenderAsync(
        HttpContext http, AuthorizationEndpoint.AuthorizationServices services, OpenIddictRequest request, object application, EmrUser user, ImmutableArray<string> scopes)
    {
        var clientName = await services.Applications.GetDisplayNameAsync(application, http.RequestAborted) ?? request.ClientId!;
        var registration = await services.Db.ClientRegistrations.AsNoTracking().SingleOrDefaultAsync(r => r.ClientId == request.ClientId, http.RequestAborted);
        var localizer = http.RequestServices.GetRequiredService<ScopeLocalizer>();
        var declared = (await services.Scopes.ListAsync(http.RequestAborted)).ToDictionary(s => s.Scope.Name, localizer.Localize, StringComparer.Ordinal);
        return PageResults.Of<ConsentView>(new
        {
            UserName = user.Username,
            ClientName = clientName,
            Description = registration?.Description,
            Website = registration?.Website,
            Scopes = scopes.Select(scope => declared.TryGetValue(scope, out var d) ? new ConsentScope(scope, d.DisplayName, d.Description) : new ConsentScope(scope, null, null)).ToList(),
            Carried = AuthorizationEndpoint.CarriedFields(request),
        });
    }
}
