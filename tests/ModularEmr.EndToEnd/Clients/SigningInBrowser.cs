using System.Net;
using Duende.IdentityModel.OidcClient.Browser;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.EndToEnd.Clients;

/// <summary>
/// The browser OidcClient opens, played over real HTTP: it keeps cookies, follows the server's
/// redirects, submits the login form and approves on the consent page (each form with the antiforgery
/// token the page carries), and stops when the server sends it to the app's redirect URI.
/// </summary>
internal sealed class SigningInBrowser(string username, string password) : IBrowser
{
    private const int MaxRedirects = 10;

    public async Task<BrowserResult> InvokeAsync(BrowserOptions options, CancellationToken cancellationToken = default)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler);

        var login = await VisitAsync(http, new HttpRequestMessage(HttpMethod.Get, options.StartUrl), options.EndUrl, cancellationToken);
        var loginForm = HtmlForm.Find(login.Html!, "/ws/oauth2/authenticate_user").With("username", username).With("password", password);
        var consent = await VisitAsync(http, Submit(login.Url, loginForm), options.EndUrl, cancellationToken);
        var decision = HtmlForm.Find(consent.Html!, "/ws/oauth2/authorize").With("consent_decision", "approve");
        var callback = await VisitAsync(http, Submit(consent.Url, decision), options.EndUrl, cancellationToken);
        return callback.Html is null
            ? new BrowserResult { ResultType = BrowserResultType.Success, Response = callback.Url.AbsoluteUri }
            : new BrowserResult { ResultType = BrowserResultType.UnknownError, Error = $"the server showed a page instead of redirecting to the app: {callback.Html}" };
    }

    private static HttpRequestMessage Submit(Uri page, HtmlForm form) => new(HttpMethod.Post, new Uri(page, form.Action)) { Content = form.Content() };

    /// <summary>Sends the request and follows redirects: the page it ends on, or the app's redirect URI (no page).</summary>
    private static async Task<(Uri Url, string? Html)> VisitAsync(HttpClient http, HttpRequestMessage request, string endUrl, CancellationToken cancellationToken)
    {
        for (var redirects = 0; redirects < MaxRedirects; redirects++)
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var url = request.RequestUri!;
            request.Dispose();
            if (response.Headers.Location is not { } location)
            {
                return (url, await response.Content.ReadAsStringAsync(cancellationToken));
            }

            var next = new Uri(url, location);
            if (next.AbsoluteUri.StartsWith(endUrl, StringComparison.Ordinal))
            {
                return (next, null);
            }

            request = new HttpRequestMessage(HttpMethod.Get, next);
        }

        throw new InvalidOperationException($"More than {MaxRedirects} redirects from {request.RequestUri}.");
    }
}
