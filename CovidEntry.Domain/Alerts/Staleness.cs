namespace CovidEntry.Domain.Alerts;

public enum StaleState
{
    /// <summary>Published for the day.</summary>
    Fresh,

    /// <summary>Not published yet, but its usual update time has not come.</summary>
    NotYetDue,

    /// <summary>Not published and past its usual update time.</summary>
    Overdue,

    /// <summary>Not published, and no usual update time is known.</summary>
    NotPublished,
}

/// <summary>What the staleness view knows about one jurisdiction on one day.</summary>
public sealed record StalenessFacts(string Code, DateOnly Day, TimeOnly? ExpectedUpdateUtc, DateOnly? LastPublishedDate);

/// <summary>Which jurisdictions have not been published for a day, and which of them are late.</summary>
public static class Staleness
{
    public static StaleState Of(StalenessFacts facts, DateTime nowUtc)
    {
        if (facts.LastPublishedDate >= facts.Day)
        {
            return StaleState.Fresh;
        }

        if (facts.ExpectedUpdateUtc is not { } time)
        {
            return StaleState.NotPublished;
        }

        return nowUtc >= DateTime.SpecifyKind(facts.Day.ToDateTime(time), DateTimeKind.Utc) ? StaleState.Overdue : StaleState.NotYetDue;
    }

    public static string Describe(StaleState state, StalenessFacts facts) => state switch
    {
        StaleState.Fresh => $"Published for {facts.Day:yyyy-MM-dd}",
        StaleState.NotYetDue => $"Due at {facts.ExpectedUpdateUtc:HH:mm} UTC",
        StaleState.Overdue => $"Overdue since {facts.ExpectedUpdateUtc:HH:mm} UTC",
        _ => "Not published; no usual update time set",
    };
}
