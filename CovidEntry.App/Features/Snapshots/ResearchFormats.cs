using System.Text.Json;
using CovidEntry.App.Features.Exports;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Snapshots;
using Parquet;
using Parquet.Schema;

namespace CovidEntry.App.Features.Snapshots;

/// <summary>
/// A snapshot's tables in the formats researchers open directly: one Parquet file per table, typed
/// (dates as dates, counts as 64-bit integers, empty as null), and a Frictionless Data Package
/// (<c>datapackage.json</c>) describing every file of the snapshot: fields, types, units, missing
/// values, license, sources, size and SHA-256.
/// </summary>
public static class ResearchFormats
{
    public const string DataPackage = "datapackage.json";
    public const string ParquetType = "application/vnd.apache.parquet";

    /// <summary>The Parquet files and the data package for the snapshot's other <paramref name="files"/>.</summary>
    public static async Task<IReadOnlyList<SnapshotFile>> FilesAsync(IReadOnlyList<string> statesColumns, IReadOnlyList<V1DailyRow> states, IReadOnlyList<UsDailyRow> us,
        IReadOnlyList<IReadOnlyDictionary<string, string?>> info, IReadOnlyList<Metric> metrics, IReadOnlyList<SnapshotFile> files, CancellationToken cancellationToken)
    {
        var metricColumns = statesColumns.Skip(2).ToList();
        var parquet = new List<SnapshotFile>
        {
            new("states-daily.parquet", ParquetType, states.Count, await TableAsync(
                [new DataField<DateOnly>("date"), new DataField<string>("state"), .. metricColumns.Select(c => new DataField<long?>(c))], states.Count,
                async (group, fields) =>
                {
                    await group.WriteAsync<DateOnly>(F(fields, 0), states.Select(r => r.Date).ToArray(), null, null, cancellationToken);
                    await group.WriteAsync(F(fields, 1), states.Select(r => r.State).ToArray(), null);
                    for (var i = 0; i < metricColumns.Count; i++)
                    {
                        var column = metricColumns[i];
                        await group.WriteAsync<long>(F(fields, i + 2), states.Select(r => r.Values.GetValueOrDefault(column)).ToArray(), null, null, cancellationToken);
                    }
                })),
            new("us-daily.parquet", ParquetType, us.Count, await TableAsync(
                [new DataField<DateOnly>("date"), .. UsDaily.Columns.Select(c => new DataField<long?>(c))], us.Count,
                async (group, fields) =>
                {
                    await group.WriteAsync<DateOnly>(F(fields, 0), us.Select(r => r.Date).ToArray(), null, null, cancellationToken);
                    for (var i = 0; i < UsDaily.Columns.Count; i++)
                    {
                        var column = UsDaily.Columns[i];
                        await group.WriteAsync<long>(F(fields, i + 1), us.Select(r => r.Values.GetValueOrDefault(column)).ToArray(), null, null, cancellationToken);
                    }
                })),
            new("states-info.parquet", ParquetType, info.Count, await TableAsync(
                [.. StatesInfoFile.Columns.Select(c => new DataField<string>(c))], info.Count,
                async (group, fields) =>
                {
                    for (var i = 0; i < StatesInfoFile.Columns.Count; i++)
                    {
                        var column = StatesInfoFile.Columns[i];
                        await group.WriteAsync(F(fields, i), info.Select(r => r[column]!).ToArray(), null);
                    }
                })),
        };

        var package = Package(statesColumns, metrics, [.. files, .. parquet]);
        return [.. parquet, new SnapshotFile(DataPackage, "application/json", files.Count + parquet.Count, package)];
    }

    private static DataField F(DataField[] fields, int index) => fields[index];

    /// <summary>One table in one row group (a snapshot's tables are small enough), Snappy-compressed, Parquet.Net's default.</summary>
    private static async Task<byte[]> TableAsync(DataField[] fields, int rows, Func<ParquetRowGroupWriter, DataField[], Task> write)
    {
        var schema = new ParquetSchema(fields);
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream, null, false, CancellationToken.None))
        {
            using var group = writer.CreateRowGroup();
            await write(group, schema.DataFields);
        }

        return stream.ToArray();
    }

    /// <summary>
    /// The Frictionless Data Package (v1 tabular profile, readable by v2 tools) of the snapshot's files.
    /// No "created" time: a snapshot made again from the same version must be the same bytes.
    /// </summary>
    private static byte[] Package(IReadOnlyList<string> statesColumns, IReadOnlyList<Metric> metrics, IReadOnlyList<SnapshotFile> files)
    {
        var byColumn = metrics.GroupBy(m => m.V1Column).ToDictionary(g => g.Key, g => g.First());
        object Metric(string column, bool dateAsNumber = false) => column switch
        {
            "date" => dateAsNumber
                ? new { name = "date", type = "integer", description = "The data date as the number yyyymmdd (20201114): the day the numbers describe, as the jurisdiction reported them." }
                : new { name = "date", type = "date", description = "The data date: the day the numbers describe, as the jurisdiction reported them." },
            "state" => new { name = "state", type = "string", description = "Two-letter code of the state or territory.", constraints = new { pattern = "[A-Z]{2}" } },
            _ => (object)new { name = column, type = "integer", unit = Unit(column, byColumn), description = Describe(column, byColumn) },
        };

        object Schema(IEnumerable<object> fields, string[]? primaryKey) => primaryKey is null
            ? new { fields, missingValues = new[] { "" } }
            : new { fields, missingValues = new[] { "" }, primaryKey };

        var statesFields = statesColumns.Select(c => Metric(c)).ToList();
        var statesJsonFields = statesColumns.Select(c => Metric(c, dateAsNumber: true)).ToList();
        var usColumns = (string[])["date", .. UsDaily.Columns];
        var usFields = usColumns.Select(c => c == UsDaily.States
            ? (object)new { name = c, type = "integer", unit = "jurisdictions", description = "How many jurisdictions have a row for the date (their values are summed)." }
            : Metric(c)).ToList();
        var usJsonFields = usColumns.Select(c => c == "date" ? Metric(c, dateAsNumber: true) : usFields[Array.IndexOf(usColumns, c)]).ToList();
        var infoFields = StatesInfoFile.Columns.Select(c => new { name = c, type = "string" }).ToList();

        object? SchemaOf(SnapshotFile file) => file.Name switch
        {
            "states-daily.csv" or "states-daily.parquet" => Schema(statesFields, ["date", "state"]),
            "states-daily.json" => Schema(statesJsonFields, ["date", "state"]),
            "us-daily.csv" or "us-daily.parquet" => Schema(usFields, ["date"]),
            "us-daily.json" => Schema(usJsonFields, ["date"]),
            "states-info.csv" or "states-info.json" or "states-info.parquet" => Schema(infoFields, ["state"]),
            _ => null,
        };

        var resources = files.Where(f => SchemaOf(f) is not null).Select(file =>
        {
            var format = Path.GetExtension(file.Name).TrimStart('.');
            var resource = new Dictionary<string, object?>
            {
                ["name"] = file.Name.Replace('.', '-'),
                ["path"] = file.Name,
                ["profile"] = "tabular-data-resource",
                ["format"] = format,
                ["mediatype"] = file.ContentType,
                ["bytes"] = file.Size,
                ["hash"] = $"sha256:{file.Sha256}",
            };
            if (format == "csv")
            {
                resource["encoding"] = "utf-8";
                resource["dialect"] = new { delimiter = ",", quoteChar = "\"", doubleQuote = true, lineTerminator = "\n", header = true };
            }
            else if (format == "json")
            {
                resource["encoding"] = "utf-8";
            }

            resource["schema"] = SchemaOf(file);
            return resource;
        }).ToList();

        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["profile"] = "tabular-data-package",
            ["name"] = "covidentry-snapshot",
            ["title"] = "CovidEntry snapshot: US states' COVID-19 data, CTP-compatible",
            ["description"] = "Every published jurisdiction-day in the COVID Tracking Project's columns, the national totals per date and the jurisdictions. "
                + "An empty cell (CSV), null (JSON, Parquet) is a value not reported. Counts are whole numbers; the ...Increase columns are changes from the jurisdiction's previous reported day.",
            ["licenses"] = new[] { new { name = "CC-BY-4.0", path = "https://creativecommons.org/licenses/by/4.0/", title = "Creative Commons Attribution 4.0" } },
            ["sources"] = new object[]
            {
                new { title = "The COVID Tracking Project at The Atlantic", path = "https://covidtracking.com/" },
                new { title = "CovidEntry's volunteers, reading the health departments' pages listed in states-info" },
            },
            ["resources"] = resources,
        }, new JsonSerializerOptions { WriteIndented = true });
    }

    private static string Unit(string column, IReadOnlyDictionary<string, Metric> byColumn)
    {
        var of = column.EndsWith("Increase", StringComparison.Ordinal) ? column[..^"Increase".Length] : column;
        var group = byColumn.TryGetValue(of, out var metric) ? metric.Group : (MetricGroup?)null;
        return group switch
        {
            MetricGroup.ViralTests or MetricGroup.AntigenTests or MetricGroup.AntibodyTests => "tests, people or specimens (the unit the jurisdiction reports)",
            _ when of.StartsWith("totalTest", StringComparison.Ordinal) => "tests, people or specimens (the unit the jurisdiction reports)",
            _ when column == "positiveScore" => "none (always 0, kept for compatibility)",
            _ => "people",
        };
    }

    private static string Describe(string column, IReadOnlyDictionary<string, Metric> byColumn)
    {
        if (byColumn.TryGetValue(column, out var metric))
        {
            return $"{metric.Label} ({(metric.Kind == MetricKind.Cumulative ? "cumulative total to the date" : "on the date")}).";
        }

        if (column.EndsWith("Increase", StringComparison.Ordinal))
        {
            return $"Change in {column[..^"Increase".Length]} from the jurisdiction's previous reported day (0 on its first day).";
        }

        return column switch
        {
            CtpDerivedFields.TotalTestResults => "Total test results by the jurisdiction's rule (states-info totalTestResultsField); positive + negative for posNeg.",
            CtpDerivedFields.Hospitalized => "Retired CTP column: the same as hospitalizedCumulative.",
            CtpDerivedFields.PositiveScore => "Retired CTP column: always 0.",
            _ => column,
        };
    }
}
