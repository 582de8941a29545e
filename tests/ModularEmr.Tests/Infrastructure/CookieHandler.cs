using System.Net;

namespace ModularEmr.Tests.Infrastructure;

/// <summary>Gives an in-memory test client the cookie jar a browser has.</summary>
internal sealed class CookieHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public CookieContainer Cookies { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var header = Cookies.GetCookieHeader(uri);
        if (header.Length > 0)
        {
            request.Headers.Add("Cookie", header);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var value in values)
            {
                Cookies.SetCookies(uri, value);
            }
        }

        return response;
    }
}
