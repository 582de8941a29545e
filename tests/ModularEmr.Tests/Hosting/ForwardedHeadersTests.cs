using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Host.Hosting;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// <c>Emr:ForwardedHeaders:KnownProxies</c> / <c>KnownNetworks</c>: <c>X-Forwarded-Proto</c> and
/// <c>X-Forwarded-For</c> are believed from those senders only, and from nobody when none is configured.
/// The in-memory server has no peer address, so a test middleware in front of the host's pipeline plays
/// the connection's remote address (<see cref="PeerHeader"/>) and records what the host made of it.
/// </summary>
public sealed class ForwardedHeadersTests : IDisposable
{
    private const string PeerHeader = "X-Test-Peer";
    private const string Client = "203.0.113.7";

    private readonly TestFolder _folder = new();
    private readonly ConcurrentQueue<IPAddress?> _seen = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.0.0.5")]
    public async Task With_no_proxy_configured_forwarded_headers_are_ignored_even_from_loopback(string peer)
    {
        await using var host = await StartAsync();

        var (scheme, remote) = await RequestAsync(host, peer);

        Assert.Equal("http", scheme);
        Assert.Equal(IPAddress.Parse(peer), remote);
    }

    [Fact]
    public async Task Even_with_aspnetcore_forwardedheaders_enabled_no_proxy_configured_means_none_believed()
    {
        await using var host = await StartAsync("--ForwardedHeaders_Enabled=true");

        var (scheme, remote) = await RequestAsync(host, "10.0.0.5");

        Assert.Equal("http", scheme);
        Assert.Equal(IPAddress.Parse("10.0.0.5"), remote);
    }

    [Fact]
    public async Task A_known_proxy_is_believed_and_no_one_else_is_loopback_included()
    {
        await using var host = await StartAsync("--Emr:ForwardedHeaders:KnownProxies:0=10.0.0.5");

        Assert.Equal(("https", IPAddress.Parse(Client)), await RequestAsync(host, "10.0.0.5"));
        Assert.Equal(("http", IPAddress.Parse("10.0.0.6")), await RequestAsync(host, "10.0.0.6"));
        Assert.Equal(("http", IPAddress.Loopback), await RequestAsync(host, "127.0.0.1"));
        Assert.Equal(("http", IPAddress.IPv6Loopback), await RequestAsync(host, "::1"));
    }

    [Fact]
    public async Task A_known_network_is_believed_and_addresses_outside_it_are_not()
    {
        await using var host = await StartAsync("--Emr:ForwardedHeaders:KnownNetworks=10.0.0.0/8, fd00::/8");

        Assert.Equal(("https", IPAddress.Parse(Client)), await RequestAsync(host, "10.20.30.40"));
        Assert.Equal(("https", IPAddress.Parse(Client)), await RequestAsync(host, "fd00::17"));
        Assert.Equal(("http", IPAddress.Parse("192.168.1.1")), await RequestAsync(host, "192.168.1.1"));
    }

    [Fact]
    public async Task Only_the_entry_the_trusted_proxy_added_is_believed()
    {
        await using var host = await StartAsync("--Emr:ForwardedHeaders:KnownProxies=10.0.0.5");

        // The client wrote "198.51.100.1" itself; the proxy appended the address it saw.
        var (_, remote) = await RequestAsync(host, "10.0.0.5", forwardedFor: $"198.51.100.1, {Client}");

        Assert.Equal(IPAddress.Parse(Client), remote);
    }

    [Theory]
    [InlineData("--Emr:ForwardedHeaders:KnownProxies=proxy.internal", "Emr:ForwardedHeaders:KnownProxies: 'proxy.internal' is not an IP address")]
    [InlineData("--Emr:ForwardedHeaders:KnownProxies=10.0.0.0/8", "Emr:ForwardedHeaders:KnownProxies: '10.0.0.0/8' is not an IP address")]
    [InlineData("--Emr:ForwardedHeaders:KnownNetworks=10.0.0.5", "Emr:ForwardedHeaders:KnownNetworks: '10.0.0.5' is not a CIDR range")]
    [InlineData("--Emr:ForwardedHeaders:KnownNetworks=10.0.0.0/33", "Emr:ForwardedHeaders:KnownNetworks: '10.0.0.0/33' is not a CIDR range")]
    public async Task A_malformed_proxy_setting_stops_start_up_naming_it(string argument, string message)
    {
        var refused = await Assert.ThrowsAsync<StartupException>(() =>
            EmrTestHost.BuildAsync(_folder.Combine("data"), ModulesFileBuilder.Shipped().WriteTo(_folder), extraArgs: [argument]));

        Assert.StartsWith(message, refused.Message, StringComparison.Ordinal);
    }

    private Task<EmrTestHost> StartAsync(params string[] args) =>
        EmrTestHost.StartAsync(_folder.Combine("data"), ModulesFileBuilder.Shipped().WriteTo(_folder),
            overrideServices: services => services.AddSingleton<IStartupFilter>(new PlayPeer(_seen)), extraArgs: args);

    /// <summary>
    /// The scheme as the server saw it (the Development issuer follows the request) and the client address
    /// it ended with, for a request from <paramref name="peer"/> saying it came over https from <see cref="Client"/>.
    /// </summary>
    private async Task<(string Scheme, IPAddress? Remote)> RequestAsync(EmrTestHost host, string peer, string forwardedFor = Client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Add(PeerHeader, peer);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", forwardedFor);

        var response = await host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issuer = new Uri((string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["issuer"]!);
        Assert.True(_seen.TryDequeue(out var remote));
        return (issuer.Scheme, remote);
    }

    /// <summary>Sets the connection's remote address from <see cref="PeerHeader"/>, then records what the host left there.</summary>
    private sealed class PlayPeer(ConcurrentQueue<IPAddress?> seen) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext context, RequestDelegate inner) =>
            {
                if (context.Request.Headers.TryGetValue(PeerHeader, out var peer))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                }

                await inner(context);
                seen.Enqueue(context.Connection.RemoteIpAddress);
            });
            next(app);
        };
    }
}
