using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using ModularEmr.Modules.OAuth2.Protocol;
using ModularEmr.Sdk.Accounts;
using OpenIddict.Abstractions;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>Names the app and says in words what each scope lets it do, then asks.</summary>
public static class ConsentPage
{
    public static async Task<IResult> RenderAsync(
        HttpContext http, AuthorizationEndpoint.AuthorizationServices services, OpenIddictRequest request, object application, EmrUser user, ImmutableArray<string> scopes)
    {
        var clientName = await services.Applications.GetDisplayNameAsync(application, http.RequestAborted) ?? request.ClientId!;
        var registration = await services.Db.ClientRegistrations.AsNoTracking().SingleOrDefaultAsync(r => r.ClientId == request.ClientId, http.RequestAborted);
        var declared = (await services.Scopes.ListAsync(http.RequestAborted)).ToDictionary(s => s.Scope.Name, s => s.Scope, StringComparer.Ordinal);

        var scopeItems = string.Concat(scopes.Select(scope => declared.TryGetValue(scope, out var d)
            ? $"<li data-scope=\"{Html.Encode(scope)}\"><strong>{Html.Encode(d.DisplayName)}</strong>: {Html.Encode(d.Description)} <small>({Html.Encode(scope)})</small></li>"
            : $"<li data-scope=\"{Html.Encode(scope)}\">{Html.Encode(scope)}</li>"));
        var hidden = AuthorizationEndpoint.CarriedFields(request);
        var about = registration is null ? string.Empty : $"""
            {(string.IsNullOrEmpty(registration.Description) ? string.Empty : $"<p>{Html.Encode(registration.Description)}</p>")}
            {(string.IsNullOrEmpty(registration.Website) ? string.Empty : $"<p>Website: {Html.Encode(registration.Website)}</p>")}
            """;

        var body = $"""
            <p>Signed in as <strong>{Html.Encode(user.Username)}</strong>.</p>
            <p><strong id="client-name">{Html.Encode(clientName)}</strong> asks to act for you in ModularEmr.</p>
            {about}
            <p>If you allow it, the app may:</p>
            <ul id="scopes">{scopeItems}</ul>
            <form method="post" action="{OAuth2ServerRegistration.AuthorizeUri}">
              {Html.AntiforgeryField(services.Antiforgery, http)}
              {hidden}
              <label><input type="checkbox" name="{AuthorizationEndpoint.RememberField}" value="true" checked> Remember my decision for this app</label>
              <button type="submit" name="{AuthorizationEndpoint.DecisionField}" value="approve">Allow</button>
              <button type="submit" name="{AuthorizationEndpoint.DecisionField}" value="deny">Deny</button>
            </form>
            <p><small>You can revoke this at any time under <a href="/ws/oauth2/authorizations">your authorized apps</a>.</small></p>
            """;
        return Html.Page($"Allow {clientName}?", body);
    }
}
