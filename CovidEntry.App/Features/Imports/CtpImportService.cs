using System.Globalization;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Imports;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CovidEntry.App.Features.Imports;

public enum ImportStage
{
    Reading,
    Comparing,
    Writing,
    Done,
}

public sealed record ImportProgress(ImportStage Stage, int Rows, long Cells);

public sealed record ImportReport(
    string FileName,
    IReadOnlyList<ImportProblem> Problems,
    IReadOnlyList<DerivedDisagreement> Disagreements,
    int Rows,
    long Cells,
    long VersionsWritten,
    Guid? BatchId,
    long DaysAdded = 0)
{
    public bool Imported => BatchId is not null;
}

/// <summary>
/// Imports a states history file in the COVID Tracking Project's format as an import batch.
/// Every row is checked before anything is written; then the cells go to PostgreSQL with
/// COPY and one set-based statement writes a version for each changed cell and moves the
/// latest table, and one more records each row's jurisdiction-day as reported (a row with
/// every cell empty included), in one transaction under the publish lock.
/// </summary>
public sealed class CtpImportService(IDbContextFactory<CovidEntryDbContext> dbFactory, ActingPerson acting, TimeProvider clock, ILogger<CtpImportService> logger)
{
    /// <summary>The user id recorded for imports started from <c>./run.sh import-ctp</c>.</summary>
    public const string CommandLineUser = UserDirectory.CommandLineUser;

    private const int ProgressEvery = 5_000;

    public async Task<ImportReport> ImportAsync(Stream content, string fileName, string userId,
        IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.Administer, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var catalog = await db.Metrics.AsNoTracking().ToDictionaryAsync(m => m.V1Column, m => m.Key, cancellationToken);
        var rules = await db.Jurisdictions.AsNoTracking().ToDictionaryAsync(j => j.Code, j => j.TotalTestResultsField, cancellationToken);
        var file = new CtpHistoryFile(catalog, rules);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        // The file's SHA-256 is taken as it is read, so the audit trail says which bytes were imported.
        using var sha256 = System.Security.Cryptography.SHA256.Create();
        await using (var hashing = new System.Security.Cryptography.CryptoStream(content, sha256, System.Security.Cryptography.CryptoStreamMode.Read, leaveOpen: true))
        {
            await ReadAsync(hashing, file, progress, cancellationToken);
            await hashing.CopyToAsync(Stream.Null, cancellationToken);
        }

        var fileSha256 = Convert.ToHexStringLower(sha256.Hash!);
        var readTime = watch.Elapsed;
        if (file.HasProblems)
        {
            logger.LogWarning("Import of {FileName} by {UserId} refused: {Count} problems", fileName, userId, file.Problems.Count);
            return new ImportReport(fileName, file.Problems, [], file.RowCount, 0, 0, null);
        }

        progress?.Report(new ImportProgress(ImportStage.Comparing, file.RowCount, 0));
        var disagreements = file.DerivedDisagreements();

        var now = clock.GetUtcNow().UtcDateTime;
        var batch = Batch.Import($"Imported from {fileName}", userId, now);
        batch.MarkPublished(userId, now);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryLocks.Publish})", cancellationToken);
        db.Batches.Add(batch);
        await db.SaveChangesAsync(cancellationToken);

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var copyStart = watch.Elapsed;
        var cells = await CopyCellsAsync(connection, file, progress, cancellationToken);
        var writeStart = watch.Elapsed;
        var versions = await WriteVersionsAsync(connection, batch.Id, userId, now, cancellationToken);
        var days = await WriteReportedDaysAsync(connection, batch.Id, now, cancellationToken);

        // The versions and days went in by statements, past the interceptor: one event records the
        // import and the file it read, and the batch's digest event exactly which versions and days it wrote.
        FieldChange[] details =
        [
            new FieldChange("rows", null, file.RowCount.ToString(CultureInfo.InvariantCulture)),
            new FieldChange("cells", null, cells.ToString(CultureInfo.InvariantCulture)),
            new FieldChange("file_sha256", null, fileSha256),
            new FieldChange("reportedDays", null, days.ToString(CultureInfo.InvariantCulture)),
        ];
        await AuditLog.RecordAsync(db, AuditAction.Import, AuditKinds.ImportFile, fileName,
            [.. details, new FieldChange("versions", null, versions.ToString(CultureInfo.InvariantCulture))], cancellationToken, batchId: batch.Id);
        await History.BatchManifests.WriteAsync(db, batch.Id, userId, now, details, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Import {FileName} timings: read and check {Read:0.0} s, derived columns {Compare:0.0} s, COPY {Copy:0.0} s, versions and latest table {Write:0.0} s",
            fileName, readTime.TotalSeconds, (copyStart - readTime).TotalSeconds, (writeStart - copyStart).TotalSeconds, (watch.Elapsed - writeStart).TotalSeconds);

        progress?.Report(new ImportProgress(ImportStage.Done, file.RowCount, cells));
        logger.LogInformation("Import {BatchId} of {FileName} by {UserId}: {Rows} rows, {Cells} cells, {Versions} new versions, {Days} new reported days, {Disagreements} derived disagreements",
            batch.Id, fileName, userId, file.RowCount, cells, versions, days, disagreements.Count);
        return new ImportReport(fileName, [], disagreements, file.RowCount, cells, versions, batch.Id, days);
    }

    private static async Task ReadAsync(Stream content, CtpHistoryFile file, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(content, leaveOpen: true);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null });

        // An empty file has no header: checking an empty one reports every column as missing.
        var header = await csv.ReadAsync() && csv.ReadHeader() ? csv.HeaderRecord! : [];
        if (!file.ReadHeader(header))
        {
            return;
        }

        var read = 0;
        while (await csv.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            file.ReadRow(csv.Parser.Row, csv.Parser.Record!);
            if (++read % ProgressEvery == 0)
            {
                progress?.Report(new ImportProgress(ImportStage.Reading, read, 0));
            }
        }
    }

    private static async Task<long> CopyCellsAsync(NpgsqlConnection connection, CtpHistoryFile file, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE import_cells (j character(2) NOT NULL, d date NOT NULL, m character varying(64) NOT NULL, v bigint) ON COMMIT DROP",
            connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        long count = 0;
        await using var writer = await connection.BeginBinaryImportAsync("COPY import_cells (j, d, m, v) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (cell, value) in file.Cells())
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(cell.JurisdictionCode, NpgsqlDbType.Char, cancellationToken);
            await writer.WriteAsync(cell.DataDate, NpgsqlDbType.Date, cancellationToken);
            await writer.WriteAsync(cell.MetricKey, NpgsqlDbType.Varchar, cancellationToken);
            if (value is { } number)
            {
                await writer.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken);
            }
            else
            {
                await writer.WriteNullAsync(cancellationToken);
            }

            if (++count % (ProgressEvery * 10) == 0)
            {
                progress?.Report(new ImportProgress(ImportStage.Writing, file.RowCount, count));
            }
        }

        await writer.CompleteAsync(cancellationToken);
        return count;
    }

    /// <summary>
    /// The set-based form of <see cref="Domain.History.PublishPlanner"/>: a version for every cell
    /// whose reading differs from the latest one, an empty value only where it replaces something.
    /// A file's empty cell means "not reported", so it also replaces an empty value with another reason.
    /// </summary>
    private static async Task<long> WriteVersionsAsync(NpgsqlConnection connection, Guid batchId, string userId, DateTime now, CancellationToken cancellationToken)
    {
        // The latest table follows by itself: a trigger on the history moves it (docs/decisions/031).
        const string sql = """
            INSERT INTO "ValueVersions" ("JurisdictionCode", "DataDate", "MetricKey", "Value", "VersionNumber", "BatchId", "PublishedByUserId", "PublishedAtUtc", "LagDays")
            SELECT c.j, c.d, c.m, c.v, COALESCE(l."VersionNumber", 0) + 1, @batch, @user, @at, (@at AT TIME ZONE 'UTC')::date - c.d
            FROM import_cells c
            LEFT JOIN "LatestValues" l ON l."JurisdictionCode" = c.j AND l."DataDate" = c.d AND l."MetricKey" = c.m
            WHERE CASE WHEN l."MetricKey" IS NULL THEN c.v IS NOT NULL
                       ELSE l."Value" IS DISTINCT FROM c.v OR l."MissingReason" IS NOT NULL END
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("batch", batchId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("at", now);
        command.CommandTimeout = 0;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Every row of the file is a day the jurisdiction reported, whatever its cells hold: the ones
    /// not recorded yet are recorded as reported by this batch (docs/decisions/029). Every row has
    /// all the catalog's cells in <c>import_cells</c>, empty ones included, so its days are there.
    /// </summary>
    private static async Task<long> WriteReportedDaysAsync(NpgsqlConnection connection, Guid batchId, DateTime now, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO "ReportedDays" ("JurisdictionCode", "DataDate", "BatchId", "PublishedAtUtc")
            SELECT DISTINCT j, d, @batch, @at FROM import_cells
            ON CONFLICT ("DataDate", "JurisdictionCode") DO NOTHING
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("batch", batchId);
        command.Parameters.AddWithValue("at", now);
        command.CommandTimeout = 0;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
