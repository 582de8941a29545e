using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ModularEmr.EndToEnd.TestClient;

/// <summary>
/// The origin a single-page app is served from: a blank page on a free loopback port, whose scripts the
/// test runs in Chromium, so every call to the EMR is a real cross-origin <c>fetch</c> under the browser's
/// CORS rules. <c>/start</c> sends the browser on to <see cref="StartTarget"/>.
/// </summary>
internal sealed class BrowserAppSite : IAsyncDisposable
{
    private const string Page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Browser app</title></head><body><p id=\"ready\">ready</p></body></html>";

    private readonly WebApplication _app;

    private BrowserAppSite(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The page's origin, as the browser sends it in <c>Origin</c>.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public string? StartTarget { get; set; }

    public static async Task<BrowserAppSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new BrowserAppSite(app);
        app.MapGet("/", () => Results.Content(Page, "text/html"));
        app.MapGet("/callback", () => Results.Content(Page, "text/html"));
        app.MapGet("/start", () => site.StartTarget is { } target ? Results.Redirect(target) : Results.NotFound());
        await app.StartAsync();
        site.BaseAddress = new Uri(app.Urls.Single());
        return site;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
