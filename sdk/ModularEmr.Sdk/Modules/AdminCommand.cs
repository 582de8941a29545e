namespace ModularEmr.Sdk.Modules;

/// <summary>
/// A command a module adds to the host's administration CLI, run as
/// <c>ModularEmr.Host &lt;group&gt; &lt;name&gt; [--option value]…</c> on the same data as the server, without serving
/// requests. Register it in <see cref="EmrModule.ConfigureServices"/> with
/// <see cref="ModuleServiceCollectionExtensions.AddAdminCommand{TCommand}"/>. The host's own groups
/// (<c>users</c>, <c>roles</c>, <c>modules</c>, <c>demo</c>) cannot be taken. Added in sdk 1.5.0.
/// </summary>
public abstract class AdminCommand
{
    /// <summary>The first word of the command line, shared by a module's related commands (<c>clients</c>).</summary>
    public abstract string Group { get; }

    /// <summary>The second word (<c>initial-token</c>).</summary>
    public abstract string Name { get; }

    /// <summary>One line for <c>--help</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The options the command takes, each <c>--name value</c>.</summary>
    public virtual IReadOnlyList<AdminCommandOption> Options => [];

    /// <summary>
    /// Runs the command in a service scope of its own. Return the process's exit code (0 for success); throw
    /// <see cref="AdminCommandException"/> to end with its message on standard error and exit code 1.
    /// </summary>
    public abstract Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken);
}
