using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using ModularEmr.Modules.OAuth2.Pages;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Clients;

/// <summary>The client developer portal (<c>/ws/oauth2/clients</c>): HTML forms over <see cref="ClientRegistrations"/>.</summary>
public static class ClientPortal
{
    public const string Path = "/ws/oauth2/clients";

    /// <summary>The portal page of the app <paramref name="clientId"/>.</summary>
    public static string PathOf(string clientId) => $"{Path}/{Uri.EscapeDataString(clientId)}";

    public static IEndpointRouteBuilder MapClientPortal(this IEndpointRouteBuilder endpoints)
    {
        // Every form posted here carries an antiforgery token, which the middleware checks (PortalServices.AsDeveloperFormAsync reads its verdict).
        var portal = endpoints.MapGroup(Path).RequireAntiforgery();
        portal.MapGet("/", ListAsync);
        portal.MapPost("/", RegisterAsync);
        portal.MapGet("/{clientId}", EditAsync);
        portal.MapPost("/{clientId}", UpdateAsync);
        portal.MapPost("/{clientId}/secret", RotateAsync);
        portal.MapPost("/{clientId}/delete", DeleteAsync);
        return endpoints;
    }

    private static Task<IResult> ListAsync(HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperAsync(http, async developer => PageResults.Of<ClientListView>(new
        {
            UserName = developer.Username,
            Clients = await services.Clients.ListAsync(developer, http.RequestAborted),
            Scopes = await services.Scopes.ListAsync(http.RequestAborted),
        }));

    private static Task<IResult> RegisterAsync(HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperFormAsync(http, async (developer, form) =>
        {
            var request = Read(form);
            try
            {
                return SecretPage(rotated: false, await services.Clients.RegisterAsync(developer, request, http.RequestAborted));
            }
            catch (ClientRegistrationException refused)
            {
                return await RefusedFormAsync(http, services, title: null, refused.Text.In(Texts(http)), Path, request, registering: true);
            }
        });

    private static Task<IResult> EditAsync(string clientId, HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperAsync(http, async developer =>
        {
            if (await services.Clients.FindAsync(developer, clientId, http.RequestAborted) is not { } client)
            {
                return NotFound(clientId);
            }

            var values = new ClientRegistrationRequest
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
            return PageResults.Of<ClientEditView>(new { Client = client, Values = values, Scopes = await services.Scopes.ListAsync(http.RequestAborted) });
        });

    private static Task<IResult> UpdateAsync(string clientId, HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperFormAsync(http, async (developer, form) =>
        {
            var request = Read(form);
            try
            {
                return await services.Clients.UpdateAsync(developer, clientId, request, http.RequestAborted) is null
                    ? NotFound(clientId)
                    : Results.Redirect(PathOf(clientId));
            }
            catch (ClientRegistrationException refused)
            {
                return await RefusedFormAsync(http, services, request.Name ?? clientId, refused.Text.In(Texts(http)), PathOf(clientId), request, registering: false);
            }
        });

    private static Task<IResult> RotateAsync(string clientId, HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperFormAsync(http, async (developer, _) =>
        {
            try
            {
                return await services.Clients.RotateSecretAsync(developer, clientId, http.RequestAborted) is { } rotated
                    ? SecretPage(rotated: true, rotated)
                    : NotFound(clientId);
            }
            catch (ClientRegistrationException refused)
            {
                return PageResults.Refusal("CannotRotateTitle", refused.Text.In(Texts(http)), StatusCodes.Status400BadRequest);
            }
        });

    private static Task<IResult> DeleteAsync(string clientId, HttpContext http, [AsParameters] PortalServices services) =>
        services.AsDeveloperFormAsync(http, async (developer, _) =>
            await services.Clients.DeleteAsync(developer, clientId, http.RequestAborted)
                ? Results.Redirect(Path)
                : NotFound(clientId));

    /// <summary>The registration rules' words in the reader's language.</summary>
    private static IStringLocalizer<ClientText> Texts(HttpContext http) => http.RequestServices.GetRequiredService<IStringLocalizer<ClientText>>();

    private static RazorComponentResult<MessagePage> NotFound(string clientId) => PageResults.Message("NotFoundTitle", "NoSuchApp", StatusCodes.Status404NotFound, clientId);

    private static async Task<IResult> RefusedFormAsync(
        HttpContext http, PortalServices services, string? title, string error, string action, ClientRegistrationRequest values, bool registering) =>
        PageResults.Of<ClientFormPage>(
            new { Title = title, Error = error, Action = action, Values = values, Registering = registering, Scopes = await services.Scopes.ListAsync(http.RequestAborted) },
            StatusCodes.Status400BadRequest);

    /// <summary>Pages that show a secret are never cached (RFC 6749 §5.1 asks the same of token responses).</summary>
    private static NoStore SecretPage(bool rotated, ClientWithSecret result) => new(PageResults.Of<SecretView>(new { Rotated = rotated, Result = result }));

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

    /// <summary>A result sent with <c>Cache-Control: no-store</c>.</summary>
    private sealed class NoStore(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }

    /// <summary>What the portal needs.</summary>
    public sealed record PortalServices(ClientRegistrations Clients, IUserSignIn SignIn, IScopeCatalog Scopes)
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
                : PageResults.Message("NotAllowedTitle", "NeedsDeveloperRole", StatusCodes.Status403Forbidden, OAuth2Module.ClientDeveloperRole);
        }

        public Task<IResult> AsDeveloperFormAsync(HttpContext http, Func<EmrUser, IFormCollection, Task<IResult>> action) =>
            AsDeveloperAsync(http, async user =>
            {
                if (!FormAntiforgery.Passed(http))
                {
                    return FormAntiforgery.Expired();
                }

                try
                {
                    return await action(user, await http.Request.ReadFormAsync(http.RequestAborted));
                }
                catch (ClientChangedConcurrentlyException)
                {
                    return PageResults.Refusal("ChangedTitle", ClientChangedConcurrentlyException.Text.In(Texts(http)), StatusCodes.Status409Conflict);
                }
            });
    }
}
