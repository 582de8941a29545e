using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Host.Hosting;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Tests.Infrastructure;

namespace ModularEmr.Tests.Accounts;

public sealed class AccountTests : IDisposable
{
    /// <summary>Outside Development the host needs its public origin.</summary>
    private const string PublicOrigin = "--Emr:PublicOrigin=https://emr.example.org";

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Data => _folder.Combine("data");

    [Fact]
    public async Task A_user_the_cli_creates_can_sign_in_and_the_password_is_stored_and_logged_only_hashed()
    {
        const string password = "Carol-Secret-7781";
        var modules = ModulesFileBuilder.Shipped().AddProbe().WriteTo(_folder);
        var (exit, output, error) = await Cli("users", "add", "carol", "--password", password, "--role", CoreRoles.Provider, "--data", Data, "--modules", modules);
        Assert.True(exit == 0, error);
        Assert.StartsWith("created user carol", output, StringComparison.Ordinal);

        await using var host = await EmrTestHost.StartAsync(Data, modules);
        var (browser, _) = host.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/ws/probe/me")).StatusCode);

        var signIn = await browser.PostAsync("/ws/probe/login", Form(("username", "carol"), ("password", password)));
        Assert.Equal("\"Succeeded\"", await signIn.Content.ReadAsStringAsync());
        Assert.Equal("\"carol\"", await browser.GetStringAsync("/ws/probe/me"));

        var listed = await Cli("users", "list", "--data", Data, "--modules", modules);
        Assert.Contains("carol", listed.Output, StringComparison.Ordinal);
        Assert.Contains(CoreRoles.Provider, listed.Output, StringComparison.Ordinal);

        await host.DisposeAsync();
        Assert.DoesNotContain(password, output + error + listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(password, host.Logs.All, StringComparison.Ordinal);
        var stored = await Database.QueryAsync(host.DatabaseFile, "SELECT password_hash FROM users WHERE username = 'carol'");
        Assert.StartsWith("AQAAAA", Assert.Single(stored)); // ASP.NET Core Identity hash, format V3
        foreach (var file in Directory.GetFiles(Data, "emr.db*"))
        {
            Assert.DoesNotContain(password, Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_cli_sets_passwords_and_grants_roles_and_refuses_what_does_not_exist()
    {
        var modules = ModulesFileBuilder.Shipped().AddProbe().WriteTo(_folder);
        Assert.Equal(0, (await Cli("users", "add", "dave", "--password", "Dave12345", "--data", Data, "--modules", modules)).Exit);

        var weak = await Cli("users", "set-password", "dave", "--password", "short", "--data", Data, "--modules", modules);
        Assert.Equal(1, weak.Exit);
        Assert.Equal("error: the password must have at least 8 characters", weak.Error.Trim());

        var unknownRole = await Cli("users", "grant-role", "dave", "Wizard", "--data", Data, "--modules", modules);
        Assert.Equal(1, unknownRole.Exit);
        Assert.StartsWith("error: no role named 'Wizard'; roles are: ", unknownRole.Error, StringComparison.Ordinal);

        var duplicate = await Cli("users", "add", "DAVE", "--password", "Dave12345", "--data", Data, "--modules", modules);
        Assert.Equal("error: user 'DAVE' already exists", duplicate.Error.Trim());

        Assert.Equal(0, (await Cli("users", "grant-role", "dave", "Probe Keeper", "--data", Data, "--modules", modules)).Exit);
        Assert.Equal(0, (await Cli("users", "set-password", "dave", "--password", "Better-Pass-42", "--data", Data, "--modules", modules)).Exit);

        await using var host = await EmrTestHost.StartAsync(Data, modules);
        await using var scope = host.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<IUserAccounts>();
        Assert.Equal(PasswordCheckOutcome.Failed, (await accounts.CheckPasswordAsync("dave", "Dave12345")).Outcome);
        var check = await accounts.CheckPasswordAsync("dave", "Better-Pass-42");
        Assert.True(check.Succeeded);
        Assert.True(check.User!.HasPrivilege("Probe Things"));

        var roles = await Cli("roles", "list", "--data", Data, "--modules", modules);
        Assert.Contains("Probe Keeper\tProbe Things", roles.Output, StringComparison.Ordinal);
        var listedModules = await Cli("modules", "list", "--data", Data, "--modules", modules);
        Assert.Contains($"probe\t1.0.0\tstarted\t{ModulesFileBuilder.ProbeFolder}", listedModules.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_gives_a_modules_privilege_to_an_existing_role_and_its_users_hold_it()
    {
        var modules = ModulesFileBuilder.Shipped().AddProbe().WriteTo(_folder);
        Assert.Equal(0, (await Cli("users", "add", "erin", "--password", "Erin12345", "--role", "Provider", "--data", Data, "--modules", modules)).Exit);

        var typo = await Cli("roles", "grant-privilege", "Provider", "Probe Thingz", "--data", Data, "--modules", modules);
        Assert.Equal(1, typo.Exit);
        Assert.StartsWith("error: no privilege named 'Probe Thingz'; privileges are: ", typo.Error, StringComparison.Ordinal);
        Assert.Contains("Probe Things", typo.Error, StringComparison.Ordinal);
        Assert.StartsWith("error: no role named 'Wizard'", (await Cli("roles", "grant-privilege", "Wizard", "Probe Things", "--data", Data, "--modules", modules)).Error, StringComparison.Ordinal);

        var granted = await Cli("roles", "grant-privilege", "Provider", "Probe Things", "--data", Data, "--modules", modules);
        Assert.Equal(0, granted.Exit);
        Assert.Equal("granted Probe Things to the role Provider", granted.Output.Trim());
        Assert.Equal("Provider already holds Probe Things", (await Cli("roles", "grant-privilege", "Provider", "Probe Things", "--data", Data, "--modules", modules)).Output.Trim());

        await using var host = await EmrTestHost.StartAsync(Data, modules);
        await using var scope = host.CreateScope();
        var check = await scope.ServiceProvider.GetRequiredService<IUserAccounts>().CheckPasswordAsync("erin", "Erin12345");
        Assert.True(check.User!.HasPrivilege("Probe Things"));
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_with_the_same_answer_and_the_lockout_ends()
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);
        await using var host = await EmrTestHost.StartAsync(Data, modules, extraArgs: "--Emr:Accounts:Lockout:Duration=00:00:02");
        await using var scope = host.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<IUserAccounts>();

        for (var attempt = 1; attempt < 7; attempt++)
        {
            Assert.Equal(PasswordCheckOutcome.Failed, (await accounts.CheckPasswordAsync("alice", $"wrong-{attempt}")).Outcome);
        }

        Assert.Equal(PasswordCheckOutcome.LockedOut, (await accounts.CheckPasswordAsync("alice", "wrong-7")).Outcome);
        Assert.Equal(PasswordCheckOutcome.LockedOut, (await accounts.CheckPasswordAsync("alice", "Alice123")).Outcome);
        Assert.Equal(PasswordCheckOutcome.Failed, (await accounts.CheckPasswordAsync("nobody", "Alice123")).Outcome);

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        Assert.True((await accounts.CheckPasswordAsync("alice", "Alice123")).Succeeded);
    }

    [Fact]
    public async Task Parallel_guesses_cannot_slip_past_the_lockout_limit()
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);
        await using var host = await EmrTestHost.StartAsync(Data, modules);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            await using var scope = host.CreateScope();
            return (await scope.ServiceProvider.GetRequiredService<IUserAccounts>().CheckPasswordAsync("bob", $"guess-{i}")).Outcome;
        }));

        Assert.Contains(PasswordCheckOutcome.LockedOut, outcomes);
        await using var after = host.CreateScope();
        Assert.Equal(PasswordCheckOutcome.LockedOut, (await after.ServiceProvider.GetRequiredService<IUserAccounts>().CheckPasswordAsync("bob", "Bob12345")).Outcome);
    }

    [Fact]
    public async Task Demo_data_holds_the_three_accounts_and_Alice_patient_record()
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);
        await using var host = await EmrTestHost.StartAsync(Data, modules);
        await using var scope = host.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<IUserAccounts>();

        var admin = (await accounts.CheckPasswordAsync("admin", "Admin123")).User!;
        Assert.True(admin.HasPrivilege(CorePrivileges.EditPatients));
        var alice = (await accounts.CheckPasswordAsync("alice", "Alice123")).User!;
        Assert.Equal(Guid.Parse("dda12af7-1691-11df-97a5-7038c432aabf"), alice.PersonUuid);
        Assert.True((await accounts.CheckPasswordAsync("bob", "Bob12345")).Succeeded);

        var patients = scope.ServiceProvider.GetRequiredService<ModularEmr.Sdk.Data.IPatientRecords>();
        var record = await patients.GetAsync(alice.PersonUuid!.Value);
        Assert.Equal("Alice Smith", record!.Person.PreferredName!.Display);
        Assert.True((await patients.SearchAsync(new ModularEmr.Sdk.Data.RecordQuery(Limit: 1))).Total > 30);
    }

    [Fact]
    public async Task Outside_development_the_host_refuses_to_start_while_a_demo_password_is_in_use()
    {
        var modules = ModulesFileBuilder.Shipped().WriteTo(_folder);
        await using (await EmrTestHost.StartAsync(Data, modules))
        {
        }

        var refused = await Assert.ThrowsAsync<StartupException>(() => EmrTestHost.BuildAsync(Data, modules, environment: "Production", extraArgs: [PublicOrigin]));
        Assert.Contains("user 'admin' still has its demo password", refused.Message, StringComparison.Ordinal);
        Assert.Contains("users set-password admin", refused.Message, StringComparison.Ordinal);

        foreach (var (user, password) in new[] { ("admin", "Changed-Admin-1"), ("alice", "Changed-Alice-1"), ("bob", "Changed-Bob-1") })
        {
            Assert.Equal(0, (await Cli("users", "set-password", user, "--password", password, "--data", Data, "--modules", modules)).Exit);
        }

        await using var production = await EmrTestHost.StartAsync(Data, modules, environment: "Production", extraArgs: [PublicOrigin]);
        Assert.Equal(HttpStatusCode.OK, (await production.CreateClient().GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Outside_development_nothing_is_seeded()
    {
        await using var host = await EmrTestHost.StartAsync(Data, ModulesFileBuilder.Shipped().WriteTo(_folder), environment: "Production", extraArgs: [PublicOrigin]);

        Assert.Equal(["0"], await Database.QueryAsync(host.DatabaseFile, "SELECT COUNT(*) FROM users"));
        Assert.Equal(["0"], await Database.QueryAsync(host.DatabaseFile, "SELECT COUNT(*) FROM patient"));
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static async Task<(int Exit, string Output, string Error)> Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await EmrProgram.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
