namespace CovidEntry.App;

/// <summary>
/// Splits the arguments into an admin verb with its own arguments and the host's arguments
/// (<c>--urls</c> and other settings). With no verb, everything is the host's.
/// </summary>
public sealed record CommandLine(string? Verb, IReadOnlyList<string> VerbArguments, string[] HostArguments)
{
    public const string Migrate = "migrate";

    private static readonly Dictionary<string, int> ArgumentCounts = new(StringComparer.Ordinal)
    {
        [Migrate] = 0,
        [Features.Imports.ImportCommand.Verb] = 1,
        [Features.Audit.AuditVerifyCommand.Verb] = 0,
    };

    public static CommandLine Parse(string[] args)
    {
        if (args.Length == 0 || !ArgumentCounts.TryGetValue(args[0], out var count))
        {
            return new CommandLine(null, [], args);
        }

        var verbArguments = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Take(count).ToList();
        return new CommandLine(args[0], verbArguments, args.Skip(1 + verbArguments.Count).ToArray());
    }
}

public static class CommandRunner
{
    /// <summary>Runs an admin verb, then stops the private cluster (if any) the way the host would.</summary>
    public static async Task<int> RunCommandAsync(this WebApplication app, Func<Task<int>> command)
    {
        try
        {
            return await command();
        }
        finally
        {
            if (app.Services.GetService<CovidEntry.App.Data.LocalPostgres>() is { } cluster)
            {
                await cluster.StopAsync();
            }
        }
    }
}
