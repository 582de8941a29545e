using ModularEmr.Sdk.Testing;

namespace ModularEmr.Samples.Allergies.Tests;

/// <summary>What the kit says when it cannot start the host as asked.</summary>
public sealed class TestKitTests
{
    [Fact]
    public async Task Tokens_come_as_fast_as_tests_ask_for_them()
    {
        await using var host = await EmrModuleHost.StartAsync(new() { ModuleFolder = "../Allergies" });

        // More than the password grant's throttle gives a person in a minute (10).
        var tokens = await Task.WhenAll(Enumerable.Range(0, 15).Select(_ => host.TokenAsync("allergies.read")));
        Assert.Equal(15, tokens.Distinct().Count());
        Assert.NotEmpty(await host.SystemTokenAsync("system/AllergyIntolerance.rs"));
    }

    [Fact]
    public async Task A_folder_without_a_module_is_named()
    {
        var refused = await Assert.ThrowsAsync<EmrModuleHostException>(() => EmrModuleHost.StartAsync(new() { ModuleFolder = "../NoSuchModule" }));
        Assert.Contains("No module.json in", refused.Message, StringComparison.Ordinal);
        Assert.Contains("NoSuchModule", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_refuses_the_module_stops_with_its_reason()
    {
        // The manifest without the assembly it names: what a module not built yet looks like.
        var folder = Directory.CreateTempSubdirectory("emr-unbuilt-").FullName;
        try
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Allergies", "module.json"), Path.Combine(folder, "module.json"));
            var refused = await Assert.ThrowsAsync<EmrModuleHostException>(() => EmrModuleHost.StartAsync(new() { ModuleFolder = folder }));
            Assert.Contains("The host stopped with exit code 2", refused.Message, StringComparison.Ordinal);
            Assert.Contains("module 'allergies': assembly 'ModularEmr.Samples.Allergies.dll' not found", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
