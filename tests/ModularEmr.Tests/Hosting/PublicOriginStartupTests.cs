using ModularEmr.Host.Hosting;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Hosting;

/// <summary>
/// <c>Emr:PublicOrigin</c> at start-up: required outside Development, a bare http(s) origin when given,
/// and one clear line when it is not.
/// </summary>
public sealed class PublicOriginStartupTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Outside_development_the_host_refuses_to_start_without_a_public_origin_with_one_line()
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await EmrProgram.RunAsync(["--data", _folder.Combine("data"), "--modules", modules, "--environment", "Production"], output, error);

        Assert.Equal(EmrProgram.ConfigurationError, exit);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ModularEmr cannot start: Emr:PublicOrigin is not set", line, StringComparison.Ordinal);
        Assert.Contains("Emr__PublicOrigin=https://emr.example.org", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.Combine("data", "emr.db")), "nothing is installed before the check");
    }

    [Theory]
    [InlineData("emr.example.org")]
    [InlineData("ftp://emr.example.org")]
    [InlineData("https://emr.example.org/emr")]
    [InlineData("https://emr.example.org/?tenant=1")]
    [InlineData("https://emr.example.org/#top")]
    [InlineData("https://admin:secret@emr.example.org")]
    [InlineData("/ws/fhir")]
    public async Task A_malformed_public_origin_stops_start_up_naming_the_setting(string origin)
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);

        var refused = await Assert.ThrowsAsync<StartupException>(() =>
            EmrTestHost.BuildAsync(_folder.Combine("data"), modules, environment: "Production", extraArgs: [$"--Emr:PublicOrigin={origin}"]));

        Assert.StartsWith($"Emr:PublicOrigin '{origin}' ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("e.g. Emr__PublicOrigin=https://emr.example.org", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task A_malformed_public_origin_stops_start_up_in_development_too()
    {
        var refused = await Assert.ThrowsAsync<StartupException>(() =>
            EmrTestHost.BuildAsync(_folder.Combine("data"), ModulesFileBuilder.Shipped().WriteTo(_folder), extraArgs: ["--Emr:PublicOrigin=https://emr.example.org/emr"]));

        Assert.Contains("must be an origin alone", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_public_origin_the_host_starts_outside_development()
    {
        await using var host = await EmrTestHost.StartAsync(_folder.Combine("data"), ModulesFileBuilder.Shipped().WriteTo(_folder), environment: "Production",
            extraArgs: ["--Emr:PublicOrigin=https://emr.example.org:8443/"]);

        var client = host.CreateClient();
        client.BaseAddress = new Uri("https://emr.example.org:8443");
        var discovery = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/.well-known/openid-configuration"))!;
        Assert.Equal("https://emr.example.org:8443/", (string?)discovery["issuer"]);
    }
}
