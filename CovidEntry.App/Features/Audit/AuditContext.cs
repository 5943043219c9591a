namespace CovidEntry.App.Features.Audit;

/// <summary>Who is acting and in which request or circuit: what every audit event written meanwhile records.</summary>
public sealed record AuditActor(string? UserId, string? UserName, string? CorrelationId);

/// <summary>
/// The ambient actor and reason for audit events. A DbContext is made by a factory and knows
/// nothing of the circuit or request it serves, so the request middleware, the circuit handler
/// and background jobs set this around their work, and the interceptor reads it.
/// </summary>
public static class AuditContext
{
    private static readonly AsyncLocal<AuditActor?> CurrentActor = new();
    private static readonly AsyncLocal<string?> CurrentReason = new();

    public static AuditActor? Actor => CurrentActor.Value;

    public static string? Reason => CurrentReason.Value;

    /// <summary>Acts as <paramref name="actor"/> until disposed.</summary>
    public static IDisposable Begin(AuditActor actor)
    {
        var before = CurrentActor.Value;
        CurrentActor.Value = actor;
        return new Restore(() => CurrentActor.Value = before);
    }

    /// <summary>A background job acting on its own behalf (no person), e.g. "system:capture".</summary>
    public static IDisposable BeginSystem(string job) => Begin(new AuditActor(null, "system:" + job, job + ":" + Guid.CreateVersion7()));

    /// <summary>The reason the person gave for what is saved until disposed (a reconciliation, an edit note).</summary>
    public static IDisposable WithReason(string? reason)
    {
        var before = CurrentReason.Value;
        CurrentReason.Value = string.IsNullOrWhiteSpace(reason) ? before : reason.Trim();
        return new Restore(() => CurrentReason.Value = before);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
