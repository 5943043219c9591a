using System.Globalization;
using System.Text.Json;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Metrics;

namespace CovidEntry.Domain.Exports;

/// <summary>A metric as the v2 file describes it.</summary>
public sealed record V2Field(string Key, string Label, MetricGroup Group, MetricKind Kind, string V1Column, string V2Path);

/// <summary>One metric on one day with what is derived from its neighbours, and why it is empty when it is.</summary>
public sealed record V2Value(long? Value, long? ChangeFromPriorDay, double? SevenDayAverage, MissingReason? MissingReason = null, Guid? ScreenshotId = null);

/// <summary>
/// What the public file says about the screenshot a value was read from. <paramref name="Kind"/> is
/// "capture" (CovidEntry's own picture of the source's page) or "upload" (a volunteer's image, filed
/// under the source they chose).
/// </summary>
public sealed record V2Screenshot(Guid Id, DateTime TakenAtUtc, string Source, string Sha256, string Url, string Kind);

/// <summary>
/// The v2 daily file of one jurisdiction: structured JSON whose shape comes from the catalog's
/// dotted paths (<c>cases.total</c> → <c>{"cases": {"total": …}}</c>), with field metadata and, for
/// each value, the change from the prior day and a 7-day average.
/// </summary>
public static class V2Daily
{
    public const int AverageDays = 7;

    /// <summary>
    /// Adds the derived values to one jurisdiction's days, newest first, keeping only the
    /// eight days it needs in memory. The 7-day average is of the daily changes for a cumulative
    /// metric and of the values for a current one; it is empty unless all seven are known.
    /// </summary>
    public static async IAsyncEnumerable<(DateOnly Date, IReadOnlyDictionary<string, V2Value> Values)> WithDerivedValues(
        IAsyncEnumerable<V1DailyRow> newestFirst,
        IReadOnlyList<V2Field> fields,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Each day waits until the 7 older days it averages over have arrived (8 with the one before them).
        var window = new List<V1DailyRow>();
        await foreach (var row in newestFirst.WithCancellation(cancellationToken))
        {
            window.Add(row);
            if (window.Count > AverageDays + 1)
            {
                yield return Derive(window, fields);
                window.RemoveAt(0);
            }
        }

        while (window.Count > 0)
        {
            yield return Derive(window, fields);
            window.RemoveAt(0);
        }
    }

    public static async Task WriteAsync(
        Stream stream,
        V2Jurisdiction jurisdiction,
        IReadOnlyList<V2Field> fields,
        DateTimeOffset? asOf,
        IAsyncEnumerable<(DateOnly Date, IReadOnlyDictionary<string, V2Value> Values)> days,
        CancellationToken cancellationToken = default,
        IReadOnlyDictionary<Guid, V2Screenshot>? screenshots = null)
    {
        screenshots ??= new Dictionary<Guid, V2Screenshot>();
        var tree = PathTree.Build(fields);
        await using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteStartObject("meta");
        json.WriteStartObject("jurisdiction");
        json.WriteString("code", jurisdiction.Code);
        json.WriteString("name", jurisdiction.Name);
        json.WriteString("fips", jurisdiction.Fips);
        json.WriteEndObject();
        if (asOf is { } moment)
        {
            json.WriteString("as_of", moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull("as_of");
        }

        json.WriteString("license", "CC BY 4.0");
        json.WriteString("seven_day_average", "Cumulative fields: the mean daily change over the 7 days ending on the date. Current fields: the mean value over those 7 days. Null unless all 7 days are known.");
        json.WriteStartArray("fields");
        foreach (var field in fields)
        {
            json.WriteStartObject();
            json.WriteString("key", field.Key);
            json.WriteString("name", field.Label);
            json.WriteString("path", field.V2Path);
            json.WriteString("group", field.Group.ToString());
            json.WriteString("kind", field.Kind == MetricKind.Cumulative ? "cumulative" : "current");
            json.WriteString("v1_column", field.V1Column);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("data");
        var count = 0;
        await foreach (var (date, values) in days.WithCancellation(cancellationToken))
        {
            json.WriteStartObject();
            json.WriteString("date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            tree.Write(json, values, screenshots);
            json.WriteEndObject();
            if (++count % 100 == 0)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    /// <summary>The mean of seven days' numbers to two places; empty unless all seven are known.</summary>
    public static double? SevenDayAverage(IEnumerable<long?> sevenDays)
    {
        var sample = sevenDays.ToList();
        return sample.Count == AverageDays && sample.All(v => v is not null) ? Math.Round(sample.Average(v => (double)v!.Value), 2) : null;
    }

    private static (DateOnly, IReadOnlyDictionary<string, V2Value>) Derive(List<V1DailyRow> window, IReadOnlyList<V2Field> fields)
    {
        long? ValueOn(int index, V2Field field) => index < window.Count ? window[index].Values.GetValueOrDefault(field.V1Column) : null;
        long? ChangeOn(int index, V2Field field) =>
            ValueOn(index, field) is { } today && ValueOn(index + 1, field) is { } before ? today - before : null;

        var values = new Dictionary<string, V2Value>();
        foreach (var field in fields)
        {
            var average = SevenDayAverage(Enumerable.Range(0, AverageDays)
                .Select(i => field.Kind == MetricKind.Cumulative ? ChangeOn(i, field) : ValueOn(i, field)));
            var value = ValueOn(0, field);
            var missing = value is null ? window[0].Missing?.GetValueOrDefault(field.V1Column) ?? History.MissingReason.NotReported : (MissingReason?)null;
            Guid? screenshot = window[0].Screenshots?.TryGetValue(field.V1Column, out var id) == true ? id : null;
            values[field.Key] = new V2Value(value, ChangeOn(0, field), average, missing, screenshot);
        }

        return (window[0].Date, values);
    }

    /// <summary>The nested shape of the dotted paths, built once per file.</summary>
    private sealed class PathTree
    {
        private readonly SortedDictionary<string, PathTree> _children = new(StringComparer.Ordinal);
        private string? _fieldKey;

        public static PathTree Build(IEnumerable<V2Field> fields)
        {
            var root = new PathTree();
            var placed = new List<(string Key, string Path)>();
            foreach (var field in fields)
            {
                // The catalog page refuses such a path with the same rule; this guards the files themselves.
                if (PublicNames.V2PathClash(field.Key, field.V2Path, placed) is { } clash)
                {
                    throw new DomainException(clash);
                }

                placed.Add((field.Key, field.V2Path));
                var node = root;
                foreach (var segment in field.V2Path.Split('.'))
                {
                    node = node._children.TryGetValue(segment, out var child) ? child : node._children[segment] = new PathTree();
                }

                node._fieldKey = field.Key;
            }

            return root;
        }

        public void Write(Utf8JsonWriter json, IReadOnlyDictionary<string, V2Value> values, IReadOnlyDictionary<Guid, V2Screenshot> screenshots)
        {
            foreach (var (name, child) in _children)
            {
                json.WritePropertyName(name);
                if (child._fieldKey is { } key)
                {
                    var value = values[key];
                    json.WriteStartObject();
                    WriteNumber(json, "value", value.Value);
                    if (value.MissingReason is { } reason)
                    {
                        json.WriteString("missing_reason", Reading.PublicName(reason));
                    }
                    else
                    {
                        json.WriteNull("missing_reason");
                    }

                    WriteNumber(json, "change_from_prior_day", value.ChangeFromPriorDay);
                    if (value.SevenDayAverage is { } average)
                    {
                        json.WriteNumber("seven_day_average", average);
                    }
                    else
                    {
                        json.WriteNull("seven_day_average");
                    }

                    if (value.ScreenshotId is { } id && screenshots.TryGetValue(id, out var shot))
                    {
                        json.WriteStartObject("screenshot");
                        json.WriteString("id", shot.Id);
                        json.WriteString("taken_at", shot.TakenAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                        json.WriteString("source", shot.Source);
                        json.WriteString("kind", shot.Kind);
                        json.WriteString("sha256", shot.Sha256);
                        json.WriteString("url", shot.Url);
                        json.WriteEndObject();
                    }
                    else
                    {
                        json.WriteNull("screenshot");
                    }

                    json.WriteEndObject();
                }
                else
                {
                    json.WriteStartObject();
                    child.Write(json, values, screenshots);
                    json.WriteEndObject();
                }
            }
        }

        private static void WriteNumber(Utf8JsonWriter json, string name, long? value)
        {
            if (value is { } number)
            {
                json.WriteNumber(name, number);
            }
            else
            {
                json.WriteNull(name);
            }
        }
    }
}

public sealed record V2Jurisdiction(string Code, string Name, string Fips);
