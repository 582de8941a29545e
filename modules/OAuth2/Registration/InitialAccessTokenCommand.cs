using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Sdk.Modules;

namespace ModularEmr.Modules.OAuth2.Registration;

/// <summary>
/// <c>clients initial-token --developer USER [--expires-in-hours H] [--uses N]</c>: prints, on its last line, an
/// initial access token (RFC 7591 §3) with which <c>/ws/oauth2/register</c> registers clients owned by USER.
/// </summary>
public sealed class InitialAccessTokenCommand : AdminCommand
{
    private const int MaxHours = 24 * 30;
    private const int MaxUses = 1000;

    public override string Group => "clients";

    public override string Name => "initial-token";

    public override string Description => "Print an initial access token for dynamic client registration (RFC 7591), owned by a developer";

    public override IReadOnlyList<AdminCommandOption> Options { get; } =
    [
        new("developer", "The user who will own the clients registered with it (needs the Client Developer role)", Required: true),
        new("expires-in-hours", $"How long it may be used, in hours (default 24, at most {MaxHours})"),
        new("uses", $"How many clients it may register (default 1, at most {MaxUses})"),
    ];

    public override async Task<int> RunAsync(AdminCommandContext context, CancellationToken cancellationToken)
    {
        var hours = Number(context, "expires-in-hours", 24, MaxHours);
        var uses = Number(context, "uses", 1, MaxUses);
        var developer = context.Option("developer")!;
        try
        {
            var token = await context.Services.GetRequiredService<InitialAccessTokens>().CreateAsync(developer, TimeSpan.FromHours(hours), uses, cancellationToken);
            await context.Output.WriteLineAsync($"initial access token for {developer}: {uses} registration(s) within {hours} hour(s); send it as 'Authorization: Bearer' to /ws/oauth2/register");
            await context.Output.WriteLineAsync(token);
            return 0;
        }
        catch (InitialAccessTokenException ex)
        {
            throw new AdminCommandException(ex.Message);
        }
    }

    private static int Number(AdminCommandContext context, string option, int defaultValue, int max) =>
        context.Option(option) is not { } text ? defaultValue
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 && value <= max ? value
        : throw new AdminCommandException($"--{option} must be a whole number from 1 to {max}.");
}
