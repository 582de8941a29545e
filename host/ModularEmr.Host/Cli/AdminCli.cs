using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using ModularEmr.Host.Accounts;
using ModularEmr.Host.Data;
using ModularEmr.Host.Demo;
using ModularEmr.Host.Hosting;
using ModularEmr.Host.Modules;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Host.Cli;

/// <summary>
/// Administration on the same executable: <c>users add|list|set-password|grant-role</c>,
/// <c>roles list|grant-privilege</c>, <c>modules list|install|remove|enable|disable</c>, <c>demo generate</c>, and the commands modules add
/// (<see cref="AdminCommand"/>, such as <c>clients initial-token</c>). Each command opens the host's data
/// (modules installed as at a start) without serving requests.
/// </summary>
internal static partial class AdminCli
{
    private static readonly string[] Verbs = ["users", "roles", "modules", "demo"];

    /// <summary>
    /// The host's own verbs, help, or any bare lower-case word: a module's command group is known only once the
    /// modules are loaded, and the server itself takes no bare words (only <c>--key value</c> and <c>key=value</c>).
    /// Configuration and <c>--data</c>/<c>--modules</c> may come first, so an operator can write them in either order.
    /// </summary>
    public static bool Handles(string[] args) => CommandWordOf(args) is { } word && (Verbs.Contains(word) || HelpWords.Contains(word) || CommandWord().IsMatch(word));

    private static readonly string[] HelpWords = ["--help", "-h", "-?", "--version"];

    /// <summary>The first argument that is neither configuration nor a data or modules option with its value.</summary>
    private static string? CommandWordOf(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--data" or "--modules")
            {
                i++;
            }
            else if (!IsConfiguration(args[i]) && !args[i].StartsWith("--data=", StringComparison.Ordinal) && !args[i].StartsWith("--modules=", StringComparison.Ordinal))
            {
                return args[i];
            }
        }

        return null;
    }

    private static bool IsConfiguration(string arg) =>
        arg.Contains('=', StringComparison.Ordinal) && (arg.StartsWith("--Emr:", StringComparison.Ordinal) || arg.StartsWith("--ConnectionStrings:", StringComparison.Ordinal));

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex CommandWord();

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        // Configuration the server would take in the same form (the database provider and its connection
        // string) is handed to the host each command opens, not parsed as a command's option.
        var configuration = args.Where(IsConfiguration).ToArray();
        args = [.. args.Where(a => !IsConfiguration(a))];
        var data = new Option<string?>("--data") { Description = "The data folder (default ./data)", Recursive = true };
        var modules = new Option<string?>("--modules") { Description = "The modules file (default ./modules.json)", Recursive = true };
        var root = new RootCommand("ModularEmr administration") { data, modules };
        root.Add(UsersCommand());
        root.Add(RolesCommand());
        root.Add(ModulesCommand());
        root.Add(DemoCommand());

        // Not a verb of the host's: the modules may have it. They are loaded once, and the command runs on that host.
        WebApplication? moduleHost = null;
        try
        {
            if (CommandWordOf(args) is { } word && !Verbs.Contains(word) && !HelpWords.Contains(word))
            {
                var prelude = new RootCommand { data, modules };
                prelude.TreatUnmatchedTokensAsErrors = false;
                try
                {
                    moduleHost = await BuildHostAsync(prelude.Parse(args));
                }
                catch (Exception ex) when (ex is StartupException or OptionsValidationException)
                {
                    await error.WriteLineAsync($"error: {ex.Message}");
                    return EmrProgram.ConfigurationError;
                }

                foreach (var group in ModuleCommands(moduleHost.Services.GetServices<AdminCommand>()))
                {
                    root.Add(group);
                }
            }

            var parsed = root.Parse(args);
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        finally
        {
            if (moduleHost is not null)
            {
                await moduleHost.DisposeAsync();
            }
        }

        IEnumerable<Command> ModuleCommands(IEnumerable<AdminCommand> commands)
        {
            foreach (var group in commands.Where(c => !Verbs.Contains(c.Group)).GroupBy(c => c.Group, StringComparer.Ordinal))
            {
                var command = new Command(group.Key);
                foreach (var moduleCommand in group)
                {
                    var options = moduleCommand.Options.Select(o => new Option<string?>("--" + o.Name) { Description = o.Description, Required = o.Required }).ToList();
                    var sub = new Command(moduleCommand.Name, moduleCommand.Description);
                    options.ForEach(sub.Add);
                    sub.SetAction(async (result, cancel) =>
                    {
                        var values = options.Where(o => result.GetValue(o) is not null).ToDictionary(o => o.Name.TrimStart('-'), o => result.GetValue(o)!, StringComparer.Ordinal);
                        await using var scope = moduleHost!.Services.CreateAsyncScope();
                        try
                        {
                            return await moduleCommand.RunAsync(new AdminCommandContext(scope.ServiceProvider, output, values), cancel);
                        }
                        catch (AdminCommandException ex)
                        {
                            await error.WriteLineAsync($"error: {ex.Message}");
                            return 1;
                        }
                    });
                    command.Add(sub);
                }

                yield return command;
            }
        }

        Command UsersCommand()
        {
            var users = new Command("users", "Manage user accounts");

            var username = new Argument<string>("username") { Description = "The login name" };
            var password = new Option<string?>("--password") { Description = "The new password (prefer --password-stdin: command lines end up in shell history)" };
            var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input" };
            var roles = new Option<string[]>("--role") { Description = "A role to grant; repeat for several", AllowMultipleArgumentsPerToken = false };
            var add = new Command("add", "Create a user") { username, password, passwordStdin, roles };
            add.SetAction((result, cancel) => WithHostAsync(result, async services =>
            {
                var secret = await ReadPasswordAsync(result, password, passwordStdin);
                var account = await services.GetRequiredService<AccountAdministration>().CreateUserAsync(
                    result.GetRequiredValue(username), secret, result.GetValue(roles) ?? [], personId: null, cancel);
                await output.WriteLineAsync($"created user {account.Username} ({account.Uuid})");
            }));

            var list = new Command("list", "List users");
            list.SetAction((result, cancel) => WithHostAsync(result, async services =>
            {
                foreach (var user in await services.GetRequiredService<AccountAdministration>().ListUsersAsync(cancel))
                {
                    var roleNames = string.Join(", ", user.Roles.Select(r => r.Name).Order(StringComparer.Ordinal));
                    var state = user.Retired ? "retired" : user.LockoutUntil > DateTimeOffset.UtcNow ? "locked" : "active";
                    await output.WriteLineAsync($"{user.Username}\t{user.Uuid}\t{state}\t{roleNames}");
                }
            }));

            var setPassword = new Command("set-password", "Set a user's password (also ends a lockout)") { username, password, passwordStdin };
            setPassword.SetAction((result, cancel) => WithHostAsync(result, async services =>
            {
                var secret = await ReadPasswordAsync(result, password, passwordStdin);
                await services.GetRequiredService<AccountAdministration>().SetPasswordAsync(result.GetRequiredValue(username), secret, cancel);
                await output.WriteLineAsync($"password of {result.GetRequiredValue(username)} changed");
            }));

            var roleNames = new Argument<string[]>("roles") { Description = "Roles to grant", Arity = ArgumentArity.OneOrMore };
            var grantRole = new Command("grant-role", "Grant roles to a user") { username, roleNames };
            grantRole.SetAction((result, cancel) => WithHostAsync(result, async services =>
            {
                await services.GetRequiredService<AccountAdministration>().GrantRolesAsync(result.GetRequiredValue(username), result.GetRequiredValue(roleNames), cancel);
                await output.WriteLineAsync($"granted {string.Join(", ", result.GetRequiredValue(roleNames))} to {result.GetRequiredValue(username)}");
            }));

            users.Add(add);
            users.Add(list);
            users.Add(setPassword);
            users.Add(grantRole);
            return users;
        }

        Command RolesCommand()
        {
            var roles = new Command("roles", "Roles and privileges");
            var list = new Command("list", "List roles with their privileges");
            list.SetAction((result, cancel) => WithHostAsync(result, async services =>
            {
                foreach (var role in await services.GetRequiredService<IUserAccounts>().ListRolesAsync(cancel))
                {
                    var privileges = role.Name == CoreRoles.SystemDeveloper ? "(all privileges)" : string.Join(", ", role.Privileges);
                    await output.WriteLineAsync($"{role.Name}\t{privileges}");
                }
            }));
            var role = new Argument<string>("role") { Description = "The role, as 'roles list' names it" };
            var privilegeNames = new Argument<string[]>("privileges") { Description = "Privileges to give it, as modules declared them", Arity = ArgumentArity.OneOrMore };
            var grantPrivilege = new Command("grant-privilege", "Give privileges to a role (a module's new privilege to an existing role)") { role, privilegeNames };
            grantPrivilege.SetAction((result, cancel) => WithHostAsync(result, async services =>
            {
                var added = await services.GetRequiredService<AccountAdministration>().GrantPrivilegesAsync(result.GetRequiredValue(role), result.GetRequiredValue(privilegeNames), cancel);
                await output.WriteLineAsync(added.Count == 0
                    ? $"{result.GetRequiredValue(role)} already holds {string.Join(", ", result.GetRequiredValue(privilegeNames))}"
                    : $"granted {string.Join(", ", added)} to the role {result.GetRequiredValue(role)}");
            }));

            roles.Add(list);
            roles.Add(grantPrivilege);
            return roles;
        }

        Command ModulesCommand()
        {
            var command = new Command("modules", "Installed modules");
            var list = new Command("list", "List modules: id, version, state, path");
            list.SetAction((result, cancel) => WithHostAsync(result, async services =>
            {
                var registry = services.GetRequiredService<ModuleRegistry>();
                foreach (var module in await registry.DescribeAsync(services.GetRequiredService<CoreDbContext>(), cancel))
                {
                    await output.WriteLineAsync($"{module.Id}\t{module.Version ?? "?"}\t{module.State}\t{module.Path}");
                }
            }));
            var package = new Argument<string>("package") { Description = "The module package (.emrmodule) the PackModule target made" };
            var into = new Option<string?>("--into") { Description = "The module's folder (default: modules/<id> beside modules.json)" };
            var replace = new Option<bool>("--replace") { Description = "Upgrade a module already listed: its files are replaced, its settings and state kept" };
            var install = new Command("install", "Unpack a module package, list it in modules.json and pin its files' SHA-256") { package, into, replace };
            install.SetAction((result, cancel) => WithModulesFileAsync(result, async file =>
            {
                var (manifest, folder, files) = ModulePackage.Install(Path.GetFullPath(result.GetRequiredValue(package)), file, result.GetValue(into), result.GetValue(replace));
                await output.WriteLineAsync($"installed {manifest.Id} {manifest.Version} into {folder} ({files} files pinned by SHA-256) and listed it in {file}; it installs at the next start");
            }));

            var id = new Argument<string>("id") { Description = "The module's id, as 'modules list' shows it" };
            var remove = new Command("remove", "Take a module out of modules.json (its folder and its data are kept)") { id };
            remove.SetAction((result, cancel) => WithModulesFileAsync(result, async file =>
            {
                var folder = ModulesFileEditor.Remove(file, result.GetRequiredValue(id));
                await output.WriteLineAsync($"removed {result.GetRequiredValue(id)} from {file}; its folder ({folder}) and its data are kept");
            }));

            var enable = new Command("enable", "Load a disabled module again from the next start") { id };
            enable.SetAction((result, cancel) => WithModulesFileAsync(result, async file =>
            {
                ModulesFileEditor.SetEnabled(file, result.GetRequiredValue(id), enabled: true);
                await output.WriteLineAsync($"enabled {result.GetRequiredValue(id)} in {file}");
            }));

            var disable = new Command("disable", "Stop loading a module from the next start (its data is kept)") { id };
            disable.SetAction((result, cancel) => WithModulesFileAsync(result, async file =>
            {
                ModulesFileEditor.SetEnabled(file, result.GetRequiredValue(id), enabled: false);
                await output.WriteLineAsync($"disabled {result.GetRequiredValue(id)} in {file}");
            }));

            command.Add(list);
            command.Add(install);
            command.Add(remove);
            command.Add(enable);
            command.Add(disable);
            return command;
        }

        Command DemoCommand()
        {
            var command = new Command("demo", "Synthetic data for trying the server at scale");
            var patients = new Option<int>("--patients") { Description = "How many patients to add", Required = true };
            patients.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() <= 0)
                {
                    result.AddError("--patients must be a positive number");
                }
            });
            var seed = new Option<int>("--seed") { Description = "Seed of the random choices (the same seed gives the same names, birthdates and identifiers)", DefaultValueFactory = _ => 1 };
            var generate = new Command("generate", "Add synthetic patients (names of several cultures, identifiers S000000001 onwards, some voided)") { patients, seed };
            generate.SetAction((result, cancel) => WithHostAsync(result, async services =>
            {
                var count = result.GetValue(patients);
                var started = Stopwatch.GetTimestamp();
                var lastReport = 0;
                void Progress(int done)
                {
                    if (done - lastReport >= 100_000)
                    {
                        lastReport = done;
                        output.WriteLine($"{done} patients ({Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s)");
                    }
                }

                var (first, last) = await ActivatorUtilities.CreateInstance<PatientGenerator>(services)
                    .GenerateAsync(count, result.GetValue(seed), Progress, cancel);
                await output.WriteLineAsync($"added {count} patients, {first} to {last}, in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            }));
            command.Add(generate);
            return command;
        }

        async Task<int> WithHostAsync(ParseResult result, Func<IServiceProvider, Task> action)
        {
            try
            {
                await using var app = await BuildHostAsync(result);
                await using var scope = app.Services.CreateAsyncScope();
                await action(scope.ServiceProvider);
                return 0;
            }
            catch (AccountException ex)
            {
                await error.WriteLineAsync($"error: {ex.Message}");
                return 1;
            }
            catch (Exception ex) when (ex is StartupException or OptionsValidationException)
            {
                await error.WriteLineAsync($"error: {ex.Message}");
                return EmrProgram.ConfigurationError;
            }
        }

        // Changes to modules.json open no host: a module that cannot start must still be removable.
        async Task<int> WithModulesFileAsync(ParseResult result, Func<string, Task> action)
        {
            try
            {
                await action(EmrSettings.ResolveModulesFile(result.GetValue(modules)));
                return 0;
            }
            catch (StartupException ex)
            {
                await error.WriteLineAsync($"error: {ex.Message}");
                return EmrProgram.ConfigurationError;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"error: {ex.Message}");
                return 1;
            }
        }

        async Task<WebApplication> BuildHostAsync(ParseResult result)
        {
            var hostArgs = new List<string> { "--Logging:LogLevel:Default=Warning" };
            if (result.GetValue(data) is { } dataDirectory)
            {
                hostArgs.AddRange(["--data", dataDirectory]);
            }

            if (result.GetValue(modules) is { } modulesFile)
            {
                hostArgs.AddRange(["--modules", modulesFile]);
            }

            hostArgs.AddRange(configuration);
            return await EmrHost.BuildAsync([.. hostArgs], HostPurpose.AdminCommand);
        }

        async Task<string> ReadPasswordAsync(ParseResult result, Option<string?> password, Option<bool> fromStdin)
        {
            if (result.GetValue(fromStdin))
            {
                return (await Console.In.ReadLineAsync())?.TrimEnd('\r', '\n') ?? throw new AccountException("no password on standard input");
            }

            return result.GetValue(password) ?? throw new AccountException("give the password with --password-stdin (or --password)");
        }
    }
}
