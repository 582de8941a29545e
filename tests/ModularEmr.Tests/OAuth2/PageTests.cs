using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.OAuth2;

/// <summary>What every page of the OAuth2 module shares: its document, its stylesheet and the framework's antiforgery check.</summary>
public sealed class PageTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Fact]
    public async Task The_stylesheet_each_page_links_is_served_by_the_module_as_css()
    {
        var login = await (await _oauth.Client.GetAsync("/ws/oauth2/authenticate_user")).Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", login.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/ws/oauth2/assets/oauth2.css\"", login, StringComparison.Ordinal);
        Assert.Contains("<main>", login, StringComparison.Ordinal);

        var css = await _oauth.Client.GetAsync("/ws/oauth2/assets/oauth2.css");

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".error", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A form endpoint that lost its antiforgery metadata would still render its token, and a test posting a
    /// forged form to another endpoint would not notice: each endpoint a page's form posts to is checked here.
    /// </summary>
    [Theory]
    [InlineData("/ws/oauth2/authenticate_user")]
    [InlineData("/ws/oauth2/authorize")]
    [InlineData("/ws/oauth2/logout")]
    [InlineData("/ws/oauth2/clients/")]
    [InlineData("/ws/oauth2/clients/{clientId}")]
    [InlineData("/ws/oauth2/clients/{clientId}/secret")]
    [InlineData("/ws/oauth2/clients/{clientId}/delete")]
    [InlineData("/ws/oauth2/authorizations/{clientId}/revoke")]
    [InlineData("/ws/oauth2/launch")]
    public void Each_endpoint_a_page_form_posts_to_has_its_antiforgery_token_checked_by_the_framework(string route)
    {
        var endpoints = _oauth.Host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var post = Assert.Single(endpoints, e =>
            e.RoutePattern.RawText == route
            && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true);

        Assert.True(post.Metadata.GetMetadata<IAntiforgeryMetadata>()?.RequiresValidation, $"{route} does not ask the middleware to check the form's token");
    }
}
