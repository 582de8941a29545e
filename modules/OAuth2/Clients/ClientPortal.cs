using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModularEmr.Modules.OAuth2.Pages;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>The client developer portal (<c>/ws/oauth2/clients</c>): HTML forms over <see cref="ClientRegistrations"/>.</summary>
public static class ClientPortal
{
    public const string Path = "/ws/oauth2/clients";

    public static IEndpointRouteBuilder MapClientPortal(this IEndpointRouteBuilder endpoints)
    {
        // Every form is checked by PortalServices.FormAsync (antiforgery); the middleware's automatic check is off.
        var portal = endpoints.MapGroup(Path).DisableAntiforgery();
        portal.MapGet("/", ListAsync);
        portal.MapPost("/", RegisterAsync);
        portal.MapGet("/{clientId}", EditAsync);
        portal.MapPost("/{clientId}", UpdateAsync);
        portal.MapPost("/{clientId}/secret", RotateAsync);
        portal.MapPost("/{clientId}/delete", DeleteAsync);
        return endpoints;
    }

    private static Task<IResult> ListAsync(HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperAsync(http, async developer =>
        {
            var clients = await services.Clients.ListAsync(developer, http.RequestAborted);
            var rows = string.Concat(clients.Select(c =>
                $"<tr><td><a href=\"{Path}/{Html.Encode(c.ClientId)}\">{Html.Encode(c.Name)}</a></td><td><code>{Html.Encode(c.ClientId)}</code></td><td>{Html.Encode(c.ClientType)}</td><td>{Html.Encode(string.Join(", ", c.GrantTypes))}</td></tr>"));
            var table = clients.Count == 0 ? "<p>You have registered no apps yet.</p>" : $"<table id=\"clients\"><tr><th>App</th><th>Client id</th><th>Type</th><th>Grants</th></tr>{rows}</table>";
            return Html.Page("Your OAuth2 apps", $"""
                <p>Signed in as {Html.Encode(developer.Username)}.</p>
                {table}
                <h2>Register an app</h2>
                {await FormAsync(http, services, Path, null, "Register")}
                """);
        });

    private static Task<IResult> RegisterAsync(HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperFormAsync(http, async (developer, form) =>
        {
            var request = Read(form);
            try
            {
                var created = await services.Clients.RegisterAsync(developer, request, http.RequestAborted);
                return SecretPage("App registered", created);
            }
            catch (ClientRegistrationException refused)
            {
                return Html.Page("Your OAuth2 apps", Html.Error(refused.Message) + await FormAsync(http, services, Path, request, "Register"), StatusCodes.Status400BadRequest);
            }
        });

    private static Task<IResult> EditAsync(string clientId, HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperAsync(http, async developer =>
        {
            if (await services.Clients.FindAsync(developer, clientId, http.RequestAborted) is not { } client)
            {
                return Html.Page("Not found", $"<p class=\"error\">You have no app '{Html.Encode(clientId)}'.</p>", StatusCodes.Status404NotFound);
            }

            var request = new ClientRegistrationRequest
            {
                Name = client.Name,
                Description = client.Description,
                Website = client.Website,
                LaunchUri = client.LaunchUri,
                ClientType = client.ClientType,
                RedirectUris = client.RedirectUris,
                Jwks = client.Jwks is { } jwks ? JsonSerializer.SerializeToElement(jwks) : null,
                AllowedOrigins = client.AllowedOrigins,
                GrantTypes = client.GrantTypes,
                Scopes = client.Scopes,
                AcceptTerms = true,
                AcceptDiscouragedGrants = client.GrantTypes.Contains(GrantTypes.Implicit) || client.GrantTypes.Contains(GrantTypes.Password),
            };
            var antiforgery = Html.AntiforgeryField(services.Antiforgery, http);
            var rotate = client.ClientType == "confidential-web"
                ? $"<form method=\"post\" action=\"{Path}/{Html.Encode(clientId)}/secret\">{antiforgery}<button type=\"submit\" id=\"rotate\">Rotate the secret</button> <small>The old secret stops working at once.</small></form>"
                : string.Empty;
            return Html.Page(client.Name, $"""
                <p>Client id: <code id="client-id">{Html.Encode(client.ClientId)}</code> · {Html.Encode(client.ClientType)}</p>
                {await FormAsync(http, services, $"{Path}/{Html.Encode(clientId)}", request, "Save")}
                {rotate}
                <form method="post" action="{Path}/{Html.Encode(clientId)}/delete">{antiforgery}<button type="submit" id="delete">Delete this app</button> <small>Every token it holds stops working at once.</small></form>
                <p><a href="{Path}">Back to your apps</a></p>
                """);
        });

    private static Task<IResult> UpdateAsync(string clientId, HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperFormAsync(http, async (developer, form) =>
        {
            var request = Read(form);
            try
            {
                return await services.Clients.UpdateAsync(developer, clientId, request, http.RequestAborted) is null
                    ? Html.Page("Not found", $"<p class=\"error\">You have no app '{Html.Encode(clientId)}'.</p>", StatusCodes.Status404NotFound)
                    : Results.Redirect($"{Path}/{Uri.EscapeDataString(clientId)}");
            }
            catch (ClientRegistrationException refused)
            {
                return Html.Page(request.Name ?? clientId, Html.Error(refused.Message) + await FormAsync(http, services, $"{Path}/{Html.Encode(clientId)}", request, "Save"), StatusCodes.Status400BadRequest);
            }
        });

    private static Task<IResult> RotateAsync(string clientId, HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperFormAsync(http, async (developer, _) =>
        {
            try
            {
                return await services.Clients.RotateSecretAsync(developer, clientId, http.RequestAborted) is { } rotated
                    ? SecretPage("New secret", rotated)
                    : Html.Page("Not found", $"<p class=\"error\">You have no app '{Html.Encode(clientId)}'.</p>", StatusCodes.Status404NotFound);
            }
            catch (ClientRegistrationException refused)
            {
                return Html.Page("Cannot rotate", Html.Error(refused.Message), StatusCodes.Status400BadRequest);
            }
        });

    private static Task<IResult> DeleteAsync(string clientId, HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperFormAsync(http, async (developer, _) =>
            await services.Clients.DeleteAsync(developer, clientId, http.RequestAborted)
                ? Results.Redirect(Path)
                : Html.Page("Not found", $"<p class=\"error\">You have no app '{Html.Encode(clientId)}'.</p>", StatusCodes.Status404NotFound));

    private static NoStore SecretPage(string title, ClientWithSecret result)
    {
        var secret = result.ClientSecret is null
            ? "<p>This is a public app: it has no secret, and must use PKCE.</p>"
            : $"<p>Client secret — copy it now, it will not be shown again:</p><p class=\"secret\" id=\"client-secret\">{Html.Encode(result.ClientSecret)}</p>";
        var warnings = string.Concat(result.Warnings.Select(w => $"<p class=\"warning\">{Html.Encode(w)}</p>"));
        var page = Html.Page(title, $"""
            <p>Client id: <code id="client-id">{Html.Encode(result.Client.ClientId)}</code></p>
            {secret}{warnings}
            <p><a href="{Path}/{Html.Encode(result.Client.ClientId)}">Continue</a></p>
            """);
        return new NoStore(page);
    }

    private static ClientRegistrationRequest Read(IFormCollection form) => new()
    {
        Name = form["name"],
        Description = NullIfEmpty(form["description"]),
        Website = NullIfEmpty(form["website"]),
        LaunchUri = NullIfEmpty(form["launchUri"]),
        Jwks = JsonObjectOrNull(form["jwks"]),
        AllowedOrigins = form["allowedOrigins"].ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        ClientType = form["clientType"],
        RedirectUris = form["redirectUris"].ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        GrantTypes = form["grantTypes"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList(),
        Scopes = form["scopes"].Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList(),
        AcceptTerms = form["acceptTerms"] == "true",
        AcceptDiscouragedGrants = form["acceptDiscouragedGrants"] == "true",
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The pasted JWKS; text that is not a JSON object reads as none, which validation then names.</summary>
    private static JsonElement? JsonObjectOrNull(string? text)
    {
        try
        {
            using var document = string.IsNullOrWhiteSpace(text) ? null : JsonDocument.Parse(text);
            return document?.RootElement is { ValueKind: JsonValueKind.Object } root ? root.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> FormAsync(HttpContext http, PortalServices services, string action, ClientRegistrationRequest? values, string submit)
    {
        var scopes = await services.Scopes.ListAsync(http.RequestAborted);
        string Checked(bool on) => on ? " checked" : string.Empty;
        var types = new[] { ("confidential-web", "Web app with a server (confidential: gets a secret)"), ("confidential-asymmetric", "Server signing JWT assertions with its own key (SMART Backend Services: no secret; paste its public JWKS)"), ("public-browser", "Browser app (public: no secret, PKCE)"), ("public-native", "Native or mobile app (public: no secret, PKCE)") };
        var grants = new[]
        {
            (GrantTypes.AuthorizationCode, "Authorization code (recommended)"), (GrantTypes.RefreshToken, "Refresh token"),
            (GrantTypes.ClientCredentials, "Client credentials (your server acting for itself)"),
            (GrantTypes.Implicit, "Implicit (discouraged by RFC 9700)"), (GrantTypes.Password, "Password (discouraged by RFC 9700)"),
        };
        return $"""
            <form method="post" action="{action}">
              {Html.AntiforgeryField(services.Antiforgery, http)}
              <label for="name">Name</label><input type="text" id="name" name="name" value="{Html.Encode(values?.Name)}" required maxlength="100">
              <label for="description">Description</label><textarea id="description" name="description" maxlength="1000">{Html.Encode(values?.Description)}</textarea>
              <label for="website">Website</label><input type="url" id="website" name="website" value="{Html.Encode(values?.Website)}">
              <label for="launchUri">Launch URL, for apps the EHR launches (SMART EHR launch; the app receives <code>iss</code> and <code>launch</code>)</label><input type="url" id="launchUri" name="launchUri" value="{Html.Encode(values?.LaunchUri)}">
              <label for="clientType">Type</label><select id="clientType" name="clientType">{string.Concat(types.Select(t => $"<option value=\"{t.Item1}\"{(values?.ClientType == t.Item1 ? " selected" : string.Empty)}>{Html.Encode(t.Item2)}</option>"))}</select>
              <label for="redirectUris">Redirect URIs, one per line (exact match; https, or http on 127.0.0.1/localhost)</label><textarea id="redirectUris" name="redirectUris">{Html.Encode(string.Join('\n', values?.RedirectUris ?? []))}</textarea>
              <label for="allowedOrigins">Web origins of a browser app's pages, one per line (<code>https://app.example</code>): they may call the token, FHIR and discovery endpoints from the browser</label><textarea id="allowedOrigins" name="allowedOrigins">{Html.Encode(string.Join('\n', values?.AllowedOrigins ?? []))}</textarea>
              <label for="jwks">Public keys (JWKS), for a server signing JWT assertions: RS384 or ES384 keys, each with a kid</label><textarea id="jwks" name="jwks">{Html.Encode(values?.Jwks?.GetRawText())}</textarea>
              <fieldset><legend>Grant types</legend>{string.Concat(grants.Select(g => $"<label><input type=\"checkbox\" name=\"grantTypes\" value=\"{g.Item1}\"{Checked(values?.GrantTypes?.Contains(g.Item1) ?? g.Item1 == GrantTypes.AuthorizationCode)}> {Html.Encode(g.Item2)}</label>"))}</fieldset>
              <p class="warning">{Html.Encode(ClientRegistrations.DiscouragedGrantWarning)}</p>
              <label><input type="checkbox" name="acceptDiscouragedGrants" value="true"{Checked(values?.AcceptDiscouragedGrants ?? false)}> I understand, and still want the implicit or password grant I ticked</label>
              <fieldset><legend>Scopes</legend>{string.Concat(scopes.Select(s => $"<label><input type=\"checkbox\" name=\"scopes\" value=\"{Html.Encode(s.Scope.Name)}\"{Checked(values?.Scopes?.Contains(s.Scope.Name) ?? false)}> <code>{Html.Encode(s.Scope.Name)}</code> — {Html.Encode(s.Scope.Description)}</label>"))}</fieldset>
              <label><input type="checkbox" name="acceptTerms" value="true"{Checked(values?.AcceptTerms ?? false)}> I accept the terms of use for client applications</label>
              <button type="submit">{Html.Encode(submit)}</button>
            </form>
            """;
    }

    /// <summary>Pages that show a secret are never cached (RFC 6749 §5.1 asks the same of token responses).</summary>
    private sealed class NoStore(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }

    /// <summary>What the portal needs.</summary>
    public sealed record PortalServices(ClientRegistrations Clients, IUserSignIn SignIn, IScopeCatalog Scopes, IAntiforgery Antiforgery)
    {
        public async Task<IResult> AsDeveloperAsync(HttpContext http, Func<EmrUser, Task<IResult>> action)
        {
            var user = await SignIn.GetSignedInUserAsync(http, http.RequestAborted);
            if (user is null)
            {
                return Results.Redirect($"{LoginPage.Path}?returnUrl={Uri.EscapeDataString(http.Request.Path + http.Request.QueryString)}");
            }

            return user.HasPrivilege(OAuth2Module.ManageClientsPrivilege)
                ? await action(user)
                : Html.Page("Not allowed", $"<p class=\"error\">Registering apps needs the role '{Html.Encode(OAuth2Module.ClientDeveloperRole)}'. Ask an administrator.</p>", StatusCodes.Status403Forbidden);
        }

        public Task<IResult> AsDeveloperFormAsync(HttpContext http, Func<EmrUser, IFormCollection, Task<IResult>> action) =>
            AsDeveloperAsync(http, async user =>
            {
                if (await Html.RefuseForgedAsync(Antiforgery, http) is { } forged)
                {
                    return forged;
                }

                try
                {
                    return await action(user, await http.Request.ReadFormAsync(http.RequestAborted));
                }
                catch (ClientChangedConcurrentlyException changed)
                {
                    return Html.Page("Changed meanwhile", Html.Error(changed.Message), StatusCodes.Status409Conflict);
                }
            });
    }
}
