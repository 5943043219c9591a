using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Metrics;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Edits;

public sealed record EditRow(Guid BatchId, string JurisdictionCode, DateOnly From, DateOnly To, string Note, string Author, int Changes, BatchStatus Status, DateTime CreatedAtUtc);

/// <summary>One changed cell as the reviewer sees it: what is published now, and what the edit publishes.</summary>
public sealed record EditDiff(DateOnly Date, string MetricKey, string Label, Reading PublishedNow, Reading NewValue);

public sealed record EditView(
    Guid BatchId,
    string JurisdictionCode,
    string JurisdictionName,
    DateOnly From,
    DateOnly To,
    string Note,
    string? Link,
    string AuthorId,
    string Author,
    BatchStatus Status,
    string? PublishedBy,
    IReadOnlyList<MetricField> Metrics,
    IReadOnlyDictionary<(DateOnly Date, string MetricKey), Reading> Published,
    IReadOnlyDictionary<(DateOnly Date, string MetricKey), Reading> Edited,
    IReadOnlyList<EditDiff> Diff,
    string? WhyViewerCannotPublish);


/// <summary>Edit (backfill) batches: open one, change cells, and have another lead publish it.</summary>
public sealed class EditService(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    NewEditFormValidator validator,
    PublishService publisher,
    UserDirectory users,
    ActingPerson acting,
    TimeProvider clock,
    ILogger<EditService> logger)
{
    public async Task<IReadOnlyList<EditRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var batches = await db.Batches.AsNoTracking().Where(b => b.Kind == BatchKind.Edit)
            .OrderByDescending(b => b.CreatedAtUtc).Take(200).ToListAsync(cancellationToken);
        var names = await users.NamesAsync(batches.Select(b => b.CreatedByUserId), cancellationToken);
        return batches.Select(b => new EditRow(b.Id, b.EditJurisdictionCode!, b.EditFrom!.Value, b.EditTo!.Value, b.Note ?? "",
            names.GetValueOrDefault(b.CreatedByUserId, "?"), b.Edits.Count, b.Status, b.CreatedAtUtc)).ToList();
    }

    public async Task<Guid> OpenAsync(NewEditForm form, string userId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.RunShifts, cancellationToken);
        var validation = await validator.ValidateAsync(form, cancellationToken);
        if (!validation.IsValid)
        {
            throw new DomainException(string.Join(" ", validation.Errors.Select(e => e.ErrorMessage).Distinct()));
        }

        var batch = Batch.Edit(form.JurisdictionCode!, DateOnly.FromDateTime(form.From!.Value), DateOnly.FromDateTime(form.To!.Value),
            form.Note, form.Link, userId, clock.GetUtcNow().UtcDateTime);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Batches.Add(batch);
        using (AuditContext.WithReason(form.Note))
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation("Edit batch {BatchId} opened by {UserId} for {Code} {From}..{To}", batch.Id, userId, batch.EditJurisdictionCode, batch.EditFrom, batch.EditTo);
        return batch.Id;
    }

    public async Task<EditView?> GetAsync(Guid batchId, string viewerUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var batch = await db.Batches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId && b.Kind == BatchKind.Edit, cancellationToken);
        if (batch is null)
        {
            return null;
        }

        var code = batch.EditJurisdictionCode!;
        var (from, to) = (batch.EditFrom!.Value, batch.EditTo!.Value);
        var name = await db.Jurisdictions.Where(j => j.Code == code).Select(j => j.Name).SingleAsync(cancellationToken);
        var metrics = await db.Metrics.AsNoTracking().Where(m => m.IsActive).OrderBy(m => m.DisplayOrder)
            .Select(m => new MetricField(m.Key, m.Label, m.Group)).ToListAsync(cancellationToken);
        var published = (await db.LatestValues.AsNoTracking()
                .Where(l => l.JurisdictionCode == code && l.DataDate >= from && l.DataDate <= to)
                .ToListAsync(cancellationToken))
            .ToDictionary(l => (l.DataDate, l.MetricKey), l => l.Reading);
        var names = await users.NamesAsync([batch.CreatedByUserId, batch.PublishedByUserId], cancellationToken);
        var labels = metrics.ToDictionary(m => m.Key, m => m.Label);

        // After publishing, "published now" would show the edit's own values: show what it replaced.
        var diff = batch.Edits.OrderBy(e => e.DataDate).ThenBy(e => e.MetricKey, StringComparer.Ordinal)
            .Select(e => new EditDiff(e.DataDate, e.MetricKey, labels.GetValueOrDefault(e.MetricKey, e.MetricKey),
                batch.Status == BatchStatus.Published ? e.PreviousReading : published.GetValueOrDefault((e.DataDate, e.MetricKey)), e.Reading))
            .ToList();
        return new EditView(batch.Id, code, name, from, to, batch.Note ?? "", batch.Link, batch.CreatedByUserId,
            names.GetValueOrDefault(batch.CreatedByUserId, "?"), batch.Status,
            batch.PublishedByUserId is null ? null : names.GetValueOrDefault(batch.PublishedByUserId, "?"),
            metrics, published, batch.Edits.ToDictionary(e => (e.DataDate, e.MetricKey), e => e.Reading), diff,
            batch.Status == BatchStatus.Published ? null : batch.WhyCannotPublish(viewerUserId));
    }

    /// <summary>
    /// Sets one cell from what the author typed: a number, empty ("not reported"), or a reason
    /// why it is empty: n/a, removed, suppressed.
    /// </summary>
    public async Task SetCellAsync(Guid batchId, DateOnly date, string metricKey, string? text, string userId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.RunShifts, cancellationToken);
        var (reading, error) = MetricValueParser.ParseReading(text);
        if (error is not null)
        {
            throw new DomainException(error);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var batch = await LoadOwnAsync(db, batchId, userId, cancellationToken);
        var published = await db.LatestValues.AsNoTracking()
            .SingleOrDefaultAsync(l => l.JurisdictionCode == batch.EditJurisdictionCode && l.DataDate == date && l.MetricKey == metricKey, cancellationToken);
        batch.EditCell(new CellKey(batch.EditJurisdictionCode!, date, metricKey), published?.Reading ?? default, reading);
        await db.SaveOrExplainAsync(cancellationToken);
        logger.LogInformation("Edit batch {BatchId}: {UserId} set {MetricKey} on {Date} to {Value} ({Reason})", batchId, userId, metricKey, date, reading.Value, reading.ReasonIfEmpty);
    }

    public Task<PublishResult> PublishAsync(Guid batchId, string userId, CancellationToken cancellationToken = default) =>
        publisher.PublishBatchAsync(batchId, userId, cancellationToken);

    private static async Task<Batch> LoadOwnAsync(CovidEntryDbContext db, Guid batchId, string userId, CancellationToken cancellationToken)
    {
        var batch = await db.Batches.SingleOrDefaultAsync(b => b.Id == batchId && b.Kind == BatchKind.Edit, cancellationToken)
            ?? throw new DomainException("That edit batch does not exist.");
        if (batch.CreatedByUserId != userId)
        {
            throw new DomainException("Only the lead who made this edit changes its cells; you can review and publish it.");
        }

        return batch;
    }
}

public static class EditsExtensions
{
    public static void AddEdits(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<EditService>();
        builder.Services.AddScoped<NewEditFormValidator>();
    }
}
