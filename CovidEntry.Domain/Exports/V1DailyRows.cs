namespace CovidEntry.Domain.Exports;

/// <summary>
/// Turns a stream of raw jurisdiction-days, newest date first then state A→Z, into v1 daily rows
/// with CTP's derived columns, in the same order. A row's increases need the jurisdiction's
/// previous day, which arrives later in the stream, so a row waits until then; memory holds only
/// the rows between a row and its jurisdiction's previous day, never the whole history.
/// </summary>
public static class V1DailyRows
{
    public static async IAsyncEnumerable<V1DailyRow> WithDerivedColumns(
        IAsyncEnumerable<V1DailyRow> rawNewestFirst,
        Func<string, string> totalTestsRuleOf,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var queue = new Queue<Pending>();
        var waitingForPreviousDay = new Dictionary<string, Pending>(StringComparer.Ordinal);

        await foreach (var row in rawNewestFirst.WithCancellation(cancellationToken))
        {
            if (waitingForPreviousDay.TryGetValue(row.State, out var later))
            {
                if (row.Date >= later.Raw.Date)
                {
                    throw new InvalidOperationException($"Rows must come newest date first, once per state: {row.State} {row.Date} after {later.Raw.Date}.");
                }

                later.Complete(totalTestsRuleOf(row.State), row.Values);
            }

            var pending = new Pending(row);
            waitingForPreviousDay[row.State] = pending;
            queue.Enqueue(pending);

            while (queue.TryPeek(out var head) && head.Derived is not null)
            {
                yield return queue.Dequeue().Derived!;
            }
        }

        // What still waits has no earlier day: it is its jurisdiction's first day.
        while (queue.TryDequeue(out var head))
        {
            if (head.Derived is null)
            {
                head.Complete(totalTestsRuleOf(head.Raw.State), null);
            }

            yield return head.Derived!;
        }
    }

    private sealed class Pending(V1DailyRow raw)
    {
        public V1DailyRow Raw { get; } = raw;

        public V1DailyRow? Derived { get; private set; }

        public void Complete(string totalTestsRule, IReadOnlyDictionary<string, long?>? previousDay) =>
            Derived = Raw with { Values = CtpDerivedFields.DeriveDay(totalTestsRule, Raw.Values, previousDay) };
    }
}
