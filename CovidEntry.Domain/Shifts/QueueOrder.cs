namespace CovidEntry.Domain.Shifts;

/// <summary>Why a jurisdiction is where it is in the shift queue, most urgent first.</summary>
public enum Freshness
{
    /// <summary>Its sources changed after its last publish: there are new numbers to read.</summary>
    SourceChanged,

    /// <summary>Its expected update time for the data date has passed.</summary>
    Overdue,

    /// <summary>Nothing says it is urgent.</summary>
    Rest,
}

/// <summary>What the queue knows about one jurisdiction.</summary>
/// <remarks>
/// <paramref name="UnchangedSinceUtc"/> is set when the newest capture of the jurisdiction's pages
/// is identical to the ones before it: the time the first of those identical captures was taken.
/// </remarks>
public sealed record QueueFacts(DateOnly DataDate, TimeOnly? ExpectedUpdateUtc, DateTime? SourceChangedAtUtc, DateTime? LastPublishedAtUtc,
    DateTime? UnchangedSinceUtc = null);

public static class QueueOrder
{
    public static Freshness Of(QueueFacts facts, DateTime nowUtc)
    {
        if (facts.SourceChangedAtUtc is { } changed && (facts.LastPublishedAtUtc is not { } published || changed > published))
        {
            return Freshness.SourceChanged;
        }

        return DueAtUtc(facts) is { } due && nowUtc >= due ? Freshness.Overdue : Freshness.Rest;
    }

    /// <summary>When the jurisdiction's numbers for the data date are expected (data date at its update time).</summary>
    public static DateTime? DueAtUtc(QueueFacts facts) =>
        facts.ExpectedUpdateUtc is { } time ? DateTime.SpecifyKind(facts.DataDate.ToDateTime(time), DateTimeKind.Utc) : null;

    public static string Describe(Freshness freshness, QueueFacts facts)
    {
        var text = freshness switch
        {
            Freshness.SourceChanged => $"Source changed {facts.SourceChangedAtUtc:yyyy-MM-dd HH:mm} UTC",
            Freshness.Overdue => $"Overdue since {DueAtUtc(facts):yyyy-MM-dd HH:mm} UTC",
            _ => facts.ExpectedUpdateUtc is { } time ? $"Expected at {time:HH:mm} UTC" : "",
        };

        // A changed source is news; otherwise say how long the pages have looked the same.
        if (freshness != Freshness.SourceChanged && facts.UnchangedSinceUtc is { } since)
        {
            var unchanged = $"source unchanged since {since:HH:mm} UTC";
            text = text.Length == 0 ? char.ToUpperInvariant(unchanged[0]) + unchanged[1..] : $"{text} · {unchanged}";
        }

        return text;
    }
}
