using System.Diagnostics;
using System.Text;
using CovidEntry.App.Features.Imports;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Hostile;

/// <summary>A database with the CTP sample imported once: every hostile file must leave it as it was.</summary>
public sealed class HostileImportFixture : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>Hostile CSV files given to the CTP import: refused with each problem's line, nothing written, earlier imports intact.</summary>
public class HostileImportTests(HostileImportFixture fixture) : IClassFixture<HostileImportFixture>
{
    public const string Group = "CSV import files";

    /// <summary>
    /// The size of the large-file case. 100 MB (the sample repeated, so every row after the first
    /// copy is a duplicate) reads in a few seconds because the import streams it.
    /// </summary>
    public const long LargeFileBytes = 100L * 1024 * 1024;

    private static readonly string[] Lines = File.ReadAllLines(CtpSample.HistoryFile);
    private static readonly string[] Header = Lines[0].Split(',');
    private static readonly Random Seeded = new(7);

    private static readonly (string Name, Func<byte[]> Build, string Problem)[] Files =
    [
        ("empty file", () => [], "line 1: Missing columns: date, state,"),
        ("only spaces and newlines", () => Utf8("  \n \n\n"), "Missing columns: date, state,"),
        ("header only misspelt", () => Small(header: h => h.Replace("\"positive\"", "\"positives\"")), "line 1: Unknown columns: positives."),
        ("header in capitals", () => Small(header: h => h.Replace("\"date\"", "\"DATE\"")), "line 1: Unknown columns: DATE."),
        ("header name with a zero-width space", () => Small(header: h => h.Replace("\"death\"", "\"\u200Bdeath\"")), "line 1: Unknown columns: \u200Bdeath."),
        ("header of another file (CTP national history)", () => Utf8("\"date\",\"states\",\"death\"\n\"2020-11-14\",56,1\n"), "Unknown columns: states."),
        ("no header, data first", () => Utf8(string.Join('\n', Lines.Skip(1).Take(3))), "line 1: Unknown columns:"),
        ("duplicated column in the header", () => Small(header: h => h + ",\"positive\"", row: r => r + ",1"), "line 1: Columns appear more than once: positive."),
        ("header line repeated", () => Small(extra: [Lines[0]]), "line 7: \"date\" is not a date"),
        ("a column missing", () => Small(header: h => DropColumn(h, 2), row: r => DropColumn(r, 2)), "line 1: Missing columns: death."),
        ("extra column", () => Small(header: h => h + ",\"comment\"", row: r => r + ",\"x\""), "line 1: Unknown columns: comment."),
        ("extra cell in one row", () => Small(row3: r => r + ",1"), "line 3: Has 42 cells where the header has 41 columns."),
        ("missing cell in one row", () => Small(row3: r => r[..r.LastIndexOf(',')]), "line 3: Has 40 cells where the header has 41 columns."),
        ("BOM, then a bad cell on line 3", () => [0xEF, 0xBB, 0xBF, .. Small(row3: r => WithCell(r, "positive", "lots"))], "line 3: positive: \"lots\" is not a whole number."),
        ("CRLF line ends, then a bad cell on line 3", () => Small(newline: "\r\n", row3: r => WithCell(r, "positive", "lots")), "line 3: positive: \"lots\" is not a whole number."),
        ("quoted newline in the state", () => Small(row3: r => WithCell(r, "state", "\"A\nK\"")), "is not a known jurisdiction code."),
        ("quoted newline in a number", () => Small(row3: r => WithCell(r, "positive", "\"12\n34\"")), "is not a whole number."),
        ("unclosed quote", () => Small(row3: r => WithCell(r, "state", "\"AK")), "cells where the header has 41 columns."),
        ("duplicate row", () => Small(extra: [Lines[1]]), "line 7: AK 2020-11-14 appears twice (first on line 2)."),
        ("same day and state with other numbers", () => Small(extra: [WithCell(Lines[1], "positive", "1")]), "line 7: AK 2020-11-14 appears twice (first on line 2)."),
        ("impossible date 2020-02-30", () => Small(row3: r => WithCell(r, "date", "\"2020-02-30\"")), "line 3: \"2020-02-30\" is not a date (write it as 2020-11-14)."),
        ("month 13", () => Small(row3: r => WithCell(r, "date", "\"2020-13-01\"")), "line 3: \"2020-13-01\" is not a date"),
        ("29 February of a common year", () => Small(row3: r => WithCell(r, "date", "\"2021-02-29\"")), "line 3: \"2021-02-29\" is not a date"),
        ("US-style date", () => Small(row3: r => WithCell(r, "date", "\"11/14/2020\"")), "line 3: \"11/14/2020\" is not a date"),
        ("empty date", () => Small(row3: r => WithCell(r, "date", "")), "line 3: \"\" is not a date"),
        ("unknown state code", () => Small(row3: r => WithCell(r, "state", "\"ZZ\"")), "line 3: \"ZZ\" is not a known jurisdiction code."),
        ("SQL in the state", () => Small(row3: r => WithCell(r, "state", "\"AK'; DROP TABLE \"\"ValueVersions\"\";--\"")), "is not a known jurisdiction code."),
        ("path traversal in the state", () => Small(row3: r => WithCell(r, "state", "\"../../etc/passwd\"")), "line 3: \"../../etc/passwd\" is not a known jurisdiction code."),
        ("negative count", () => Small(row3: r => WithCell(r, "positive", "-5")), "line 3: positive: -5 is negative; counts cannot be."),
        ("value past 64 bits", () => Small(row3: r => WithCell(r, "positive", "9223372036854775808")), "line 3: positive: \"9223372036854775808\" is not a whole number."),
        ("decimal value", () => Small(row3: r => WithCell(r, "positive", "1.5")), "line 3: positive: \"1.5\" is not a whole number."),
        ("exponent 1e6", () => Small(row3: r => WithCell(r, "positive", "1e6")), "line 3: positive: \"1e6\" is not a whole number."),
        ("thousands separator", () => Small(row3: r => WithCell(r, "positive", "\"1,234\"")), "line 3: positive: \"1,234\" is not a whole number."),
        ("Arabic-Indic digits", () => Small(row3: r => WithCell(r, "positive", "\u0661\u0662\u0663")), "is not a whole number."),
        ("full-width digits", () => Small(row3: r => WithCell(r, "positive", "\uFF11\uFF12\uFF13")), "is not a whole number."),
        ("NUL after a number", () => Small(row3: r => WithCell(r, "positive", "12\0")), "line 3: positive: holds a NUL character"),
        ("NUL after the date", () => Small(row3: r => WithCell(r, "date", "\"2020-11-13\0\"")), "line 3: date: holds a NUL character"),
        ("spreadsheet formula in a cell", () => Small(row3: r => WithCell(r, "positive", "\"=1+2\"")), "line 3: positive: \"=1+2\" is not a whole number."),
        ("binary garbage", () => Garbage(64 * 1024), "line 1:"),
        ("a PNG named .csv", () => ImageCorpus.ScreenshotPng(), "line 1:"),
        ("the CSV gzipped", () => Gzip(Small()), "line 1:"),
        ("UTF-16 without a BOM", () => Encoding.Unicode.GetBytes(Lines[0] + "\n"), "line 1:"),
        ("a bad row after 5,000 good ones", () => Utf8(string.Join('\n', [Lines[0], .. Lines.Skip(1), .. Repeat(5000).Skip(Lines.Length - 1).Take(4300), WithCell(Lines[1], "date", "\"2020-02-30\"")])), "\"2020-02-30\" is not a date"),
    ];

    public static IEnumerable<HostileCase> Cases() =>
        Files.Select(f => new HostileCase(Group, f.Name, $"refused: \"{f.Problem}…\"; no batch, no version"))
            .Append(new HostileCase(Group, $"{LargeFileBytes / 1024 / 1024} MB file (the sample repeated, streamed from a temp file)",
                "refused: each duplicate day's line, capped at 1,000 problems; no batch, no version"));

    public static TheoryData<string> FileNames() => [.. Files.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(FileNames))]
    public async Task AHostileFileIsRefusedWithItsLinesAndNothingIsWrittenOrLost(string name)
    {
        var (_, build, problem) = Files.Single(f => f.Name == name);
        var before = await CountsAsync();

        await using var stream = new MemoryStream(build());
        var report = await fixture.Database.Get<CtpImportService>().ImportAsync(stream, "hostile.csv", CtpImportService.CommandLineUser);

        Assert.False(report.Imported);
        Assert.Contains(report.Problems, p => p.ToString().Contains(problem, StringComparison.Ordinal));
        Assert.All(report.Problems, p => Assert.EndsWith(".", p.Message, StringComparison.Ordinal));
        await AssertNothingChangedAsync(before);
    }

    [Fact]
    public async Task ALargeFileIsStreamedRefusedAndNothingIsWrittenOrLost()
    {
        var path = Path.GetTempFileName();
        try
        {
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var body = Encoding.UTF8.GetBytes(string.Join('\n', Lines.Skip(1)) + "\n");
                file.Write(Encoding.UTF8.GetBytes(Lines[0] + "\n"));
                while (file.Length < LargeFileBytes)
                {
                    file.Write(body);
                }
            }

            var before = await CountsAsync();
            var watch = Stopwatch.StartNew();
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var report = await fixture.Database.Get<CtpImportService>().ImportAsync(stream, "huge.csv", CtpImportService.CommandLineUser);

            Assert.False(report.Imported);
            Assert.Equal(1001, report.Problems.Count);
            Assert.Equal("line 786: AK 2020-11-14 appears twice (first on line 2).", report.Problems[0].ToString());
            Assert.Equal("More problems follow; fix these first.", report.Problems[^1].Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"Reading {LargeFileBytes:#,0} bytes took {watch.Elapsed}.");
            await AssertNothingChangedAsync(before);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The header and five rows (file lines 2-6), each part changed as asked.</summary>
    private static byte[] Small(Func<string, string>? header = null, Func<string, string>? row = null, Func<string, string>? row3 = null,
        string newline = "\n", string[]? extra = null)
    {
        var rows = Lines.Skip(1).Take(5).Select(r => (row ?? (x => x))(r)).ToList();
        rows[1] = (row3 ?? (x => x))(rows[1]);
        return Utf8(string.Join(newline, [(header ?? (x => x))(Lines[0]), .. rows, .. extra ?? []]));
    }

    private static string WithCell(string line, string column, string cell)
    {
        var cells = line.Split(',');
        cells[Array.IndexOf(Header, $"\"{column}\"")] = cell;
        return string.Join(',', cells);
    }

    private static string DropColumn(string line, int index) =>
        string.Join(',', line.Split(',').Where((_, i) => i != index));

    /// <summary>The sample's rows again and again with the year moved on each time, so every row is a new day.</summary>
    private static IEnumerable<string> Repeat(int rows)
    {
        for (var copy = 0; ; copy++)
        {
            foreach (var line in Lines.Skip(1))
            {
                if (rows-- == 0)
                {
                    yield break;
                }

                yield return line.Replace("\"2020-", $"\"{2020 - copy:0000}-", StringComparison.Ordinal);
            }
        }
    }

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        lock (Seeded)
        {
            Seeded.NextBytes(bytes);
        }

        return bytes;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return compressed.ToArray();
    }

    private async Task<string> CountsAsync()
    {
        await using var db = await fixture.Database.DbAsync();
        return await DomainCounts.TakeAsync(db);
    }

    private async Task AssertNothingChangedAsync(string before)
    {
        Assert.Equal(before, await CountsAsync());
        await using var db = await fixture.Database.DbAsync();
        var ny = await db.LatestValues.SingleAsync(l => l.JurisdictionCode == "NY" && l.DataDate == new DateOnly(2020, 11, 14) && l.MetricKey == "positive");
        Assert.Equal(CtpSample.Number(CtpSample.HistoryRows().Single(r => r["state"] == "NY" && r["date"] == "2020-11-14")["positive"]), ny.Value);
    }
}
