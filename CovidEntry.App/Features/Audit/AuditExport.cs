using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CovidEntry.App.Data;
using CovidEntry.Domain;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Audit;

/// <summary>The filtered audit trail as CSV, streamed; the download itself is an audit event.</summary>
public static class AuditExport
{
    public const string Path = "/admin/audit/export.csv";

    private static readonly string[] Columns =
        ["id", "occurredAtUtc", "userId", "userName", "action", "entityType", "entityKey", "changes", "correlationId", "reason", "batchId", "hash"];

    public static void MapAudit(this WebApplication app) =>
        app.MapGet(Path, ExportAsync)
            .RequireAuthorization(Access.Policies.RunShifts)
            .ExcludeFromDescription();

    private static async Task<IResult> ExportAsync(HttpContext http, AuditQueries audit, IDbContextFactory<CovidEntryDbContext> dbFactory,
        [FromQuery] string? user, [FromQuery] string? kind, [FromQuery] string? key, [FromQuery] string? action,
        [FromQuery] string? from, [FromQuery] string? until, [FromQuery] string? happened, [FromQuery] string? jurisdiction,
        [FromQuery] string? zone, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(happened) && AuditWords.Happening(happened) is null)
        {
            return Results.Problem($"\"{happened}\" is not something the trail is filtered by; use one of {string.Join(", ", AuditWords.Happenings.Select(h => h.Key))}.", statusCode: 400);
        }

        var filter = new AuditFilter { UserId = user, EntityType = kind, EntityKey = key, Happened = happened, JurisdictionCode = jurisdiction };
        if (!string.IsNullOrEmpty(action))
        {
            if (!Enum.TryParse<AuditAction>(action, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Results.Problem($"\"{action}\" is not an audit action; use one of {string.Join(", ", Enum.GetNames<AuditAction>())}.", statusCode: 400);
            }

            filter.Action = parsed;
        }

        if (!TryDay(from, out var fromDay) || !TryDay(until, out var untilDay))
        {
            return Results.Problem("from and until are dates such as 2026-11-25.", statusCode: 400);
        }

        // Days are the reader's own (the page passes the zone it shows times in), UTC without one.
        var shown = Shared.TimeZoneShown.FromBrowser(zone);
        filter.FromUtc = fromDay is { } f ? StartOfDayUtc(f, shown) : null;
        filter.UntilUtc = untilDay is { } u ? StartOfDayUtc(u.AddDays(1), shown) : null;

        // Who may read how much is decided by the roles held now (the database), not the cookie's.
        var viewer = http.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        try
        {
            await audit.LeadScopeAsync(viewer, ct);
        }
        catch (DomainException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status403Forbidden);
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await AuditLog.RecordAsync(db, AuditAction.Download, AuditKinds.Download, Path,
                [new FieldChange("query", null, http.Request.QueryString.Value)], ct);
        }

        return Results.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            await writer.WriteAsync(string.Join(',', Columns) + "\r\n");
            await foreach (var row in audit.AllAsync(filter, viewer, ct))
            {
                string?[] cells =
                [
                    row.Id.ToString(CultureInfo.InvariantCulture), row.OccurredAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                    row.UserId, row.UserName, row.Action.ToString(), row.EntityType, row.EntityKey, JsonSerializer.Serialize(row.Changes),
                    row.CorrelationId, row.Reason, row.BatchId?.ToString(), row.Hash,
                ];
                await writer.WriteAsync(CsvCell.Line(cells) + "\r\n");
            }
        }, "text/csv; charset=utf-8", $"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");
    }

    /// <summary>When a day that the zone calls <paramref name="day"/> begins, in UTC.</summary>
    public static DateTime StartOfDayUtc(DateTime day, Shared.TimeZoneShown zone)
    {
        var local = DateTime.SpecifyKind(day.Date, DateTimeKind.Unspecified);

        // A few zones skip midnight when their clocks go forward: that day begins an hour later.
        return TimeZoneInfo.ConvertTimeToUtc(zone.Zone.IsInvalidTime(local) ? local.AddHours(1) : local, zone.Zone);
    }

    /// <summary>A date from the query (none when not given); false when it is given but not a date.</summary>
    private static bool TryDay(string? text, out DateTime? day)
    {
        day = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        day = DateTime.SpecifyKind(parsed.ToDateTime(TimeOnly.MinValue), DateTimeKind.Utc);
        return true;
    }
}
