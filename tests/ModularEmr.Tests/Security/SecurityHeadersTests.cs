using System.Net;
using ModularEmr.Tests.OAuth2;

namespace ModularEmr.Tests.Security;

/// <summary>
/// Every response carries the anti-framing, referrer and sniffing headers: pages (where clickjacking and
/// a leaking Referer hurt), JSON answers, and errors made by the framework rather than by an endpoint.
/// </summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private OAuth2Harness _oauth = null!;

    public async Task InitializeAsync() => _oauth = await OAuth2Harness.StartAsync();

    public async Task DisposeAsync() => await _oauth.DisposeAsync();

    [Theory]
    [InlineData("/ws/oauth2/authenticate_user", HttpStatusCode.OK)]
    [InlineData("/ws/oauth2/fragmentextractor.html?client_id=xyz-spa", HttpStatusCode.OK)]
    [InlineData("/ws/oauth2/fragmentextractor.html", HttpStatusCode.BadRequest)]
    [InlineData("/ws/oauth2/clients", HttpStatusCode.Redirect)]
    [InlineData("/ws/modules", HttpStatusCode.OK)]
    [InlineData("/.well-known/openid-configuration", HttpStatusCode.OK)]
    [InlineData("/ws/fhir/metadata", HttpStatusCode.OK)]
    [InlineData("/ws/rest/v1/patient", HttpStatusCode.Unauthorized)]
    [InlineData("/no/such/page", HttpStatusCode.NotFound)]
    public async Task Every_response_forbids_framing_referrers_and_sniffing(string path, HttpStatusCode status)
    {
        var response = await _oauth.NewBrowser().GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        AssertHeaders(response);
    }

    [Fact]
    public async Task A_framework_error_page_and_a_refused_form_carry_the_headers()
    {
        var browser = _oauth.NewBrowser();
        using var post = new FormUrlEncodedContent([new("username", "alice"), new("password", "Alice123")]);

        var forged = await browser.Client.PostAsync("/ws/oauth2/authenticate_user", post);
        var wrongMethod = await browser.Client.DeleteAsync("/health");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        AssertHeaders(forged);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        AssertHeaders(wrongMethod);
    }

    [Fact]
    public async Task The_fragment_extractor_keeps_its_own_script_policy_and_gains_frame_ancestors()
    {
        var response = await _oauth.NewBrowser().GetAsync("/ws/oauth2/fragmentextractor.html?client_id=xyz-spa");

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'sha256-", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Single(response.Headers.GetValues("Referrer-Policy"));
    }

    private static void AssertHeaders(HttpResponseMessage response)
    {
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        if (!policy.Contains("script-src 'sha256-", StringComparison.Ordinal))
        {
            // Chrome applies form-action to the redirect after the consent form: the host never sets it
            // (the fragment extractor's own policy names the one client it posts to).
            Assert.DoesNotContain("form-action", policy, StringComparison.Ordinal);
        }

        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}
