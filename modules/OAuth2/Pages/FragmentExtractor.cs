using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Abstractions;

namespace ModularEmr.Modules.OAuth2.Pages;

/// <summary>
/// <c>/ws/oauth2/fragmentextractor.html?client_id=…</c>, a redirect URI an implicit-grant client may
/// register. Its script reads the token from the URI fragment (which browsers never send to servers),
/// removes it from the address bar and history, and posts it to the client's server — to the client's
/// other registered redirect URI, chosen here from the registration, never from the request.
/// </summary>
public static class FragmentExtractor
{
    public const string Path = "/ws/oauth2/fragmentextractor.html";

    public static IEndpointRouteBuilder MapFragmentExtractor(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, RenderAsync);
        return endpoints;
    }

    private static async Task<IResult> RenderAsync(HttpContext http, IOpenIddictApplicationManager applications, string? client_id)
    {
        if (string.IsNullOrEmpty(client_id) || await applications.FindByClientIdAsync(client_id, http.RequestAborted) is not { } application)
        {
            return PageResults.Message("UnknownAppTitle", "UnknownApp", StatusCodes.Status400BadRequest);
        }

        var target = (await applications.GetRedirectUrisAsync(application, http.RequestAborted))
            .Select(u => new Uri(u))
            .FirstOrDefault(u => !u.AbsolutePath.EndsWith(Path, StringComparison.Ordinal));
        if (target is null)
        {
            return PageResults.Message("NoDeliveryTitle", "NoDelivery", StatusCodes.Status400BadRequest);
        }

        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'sha256-{ScriptHash}'; style-src 'self'; form-action {target.GetLeftPart(UriPartial.Authority)}";
        return PageResults.Of<FragmentExtractorView>(new { Target = target.AbsoluteUri });
    }

    /// <summary>Reads the fragment, wipes it from the address bar and history, posts it as a form.</summary>
    internal const string Script = """
        (function () {
          var fragment = window.location.hash.substring(1);
          history.replaceState(null, "", window.location.pathname + window.location.search);
          var form = document.getElementById("deliver");
          var status = document.getElementById("status");
          if (!fragment) { status.textContent = status.dataset.missing; return; }
          new URLSearchParams(fragment).forEach(function (value, key) {
            var input = document.createElement("input");
            input.type = "hidden"; input.name = key; input.value = value;
            form.appendChild(input);
          });
          form.submit();
        })();
        """;

    private static readonly string ScriptHash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Script)));
}
