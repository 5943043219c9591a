using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Metrics;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.App.Features.Catalog;

/// <summary>A metric as the catalog page lists it, and whether any value was ever published under it.</summary>
public sealed record CatalogRow(Metric Metric, bool HasValues);

/// <summary>
/// The admins' management of the metric catalog (docs/decisions/035): add, describe, reorder,
/// retire and restore. Every write checks the person's role at that moment and goes through the
/// audit interceptor. Nothing here deletes a metric: history, files and snapshots keep its values.
/// </summary>
public sealed class MetricCatalogService(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    MetricFormValidator validator,
    ActingPerson acting,
    ILogger<MetricCatalogService> logger)
{
    /// <summary>Room left between display orders, so a metric added at the end never renumbers others.</summary>
    private const int OrderStep = 10;

    public async Task<IReadOnlyList<CatalogRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var metrics = await db.Metrics.AsNoTracking().OrderBy(m => m.DisplayOrder).ThenBy(m => m.Key).ToListAsync(cancellationToken);
        var used = await KeysWithValuesAsync(db, cancellationToken);
        return metrics.Select(m => new CatalogRow(m, used.Contains(m.Key))).ToList();
    }

    public async Task<Metric> AddAsync(MetricForm form, string adminUserId, CancellationToken cancellationToken = default)
    {
        await EnsureValidAsync(form, adminUserId, isNew: true, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var last = await db.Metrics.MaxAsync(m => (int?)m.DisplayOrder, cancellationToken) ?? 0;
        var metric = new Metric(form.Key.Trim(), form.Label, form.Group, form.Kind, form.V1Column.Trim(), form.V2Path.Trim(), last + OrderStep,
            form.ParsedMin, form.ParsedMax, form.PartOf);
        db.Metrics.Add(metric);
        await SaveAsync(db, cancellationToken);
        logger.LogInformation("Metric {MetricKey} added to the catalog by {UserId}", metric.Key, adminUserId);
        return metric;
    }

    public async Task UpdateAsync(MetricForm form, string adminUserId, CancellationToken cancellationToken = default)
    {
        await EnsureValidAsync(form, adminUserId, isNew: false, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var metric = await FindAsync(db, form.EditingKey!, cancellationToken);
        var hasValues = (await KeysWithValuesAsync(db, cancellationToken, metric.Key)).Count > 0;
        metric.Rename(form.V1Column.Trim(), form.V2Path.Trim(), hasValues);
        metric.Describe(form.Label, form.Group, form.Kind, form.ParsedMin, form.ParsedMax, form.PartOf);
        await SaveAsync(db, cancellationToken);
        logger.LogInformation("Metric {MetricKey} changed by {UserId}", metric.Key, adminUserId);
    }

    /// <summary>Swaps the metric with its neighbour above (<paramref name="up"/>) or below in the catalog's order.</summary>
    public async Task MoveAsync(string key, bool up, string adminUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(adminUserId, Policies.Administer, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var metrics = await db.Metrics.OrderBy(m => m.DisplayOrder).ThenBy(m => m.Key).ToListAsync(cancellationToken);
        var index = metrics.FindIndex(m => m.Key == key);
        if (index < 0)
        {
            throw new DomainException($"There is no metric {key}. Reload the page.");
        }

        var other = up ? index - 1 : index + 1;
        if (other < 0 || other >= metrics.Count)
        {
            throw new DomainException($"{metrics[index].Label} is {(up ? "first" : "last")} already.");
        }

        // Orders may have come equal from elsewhere; renumbering in steps keeps every swap a real one.
        (metrics[index], metrics[other]) = (metrics[other], metrics[index]);
        for (var i = 0; i < metrics.Count; i++)
        {
            if (metrics[i].DisplayOrder != (i + 1) * OrderStep)
            {
                metrics[i].MoveTo((i + 1) * OrderStep);
            }
        }

        await SaveAsync(db, cancellationToken);
        logger.LogInformation("Metric {MetricKey} moved {Direction} by {UserId}", key, up ? "up" : "down", adminUserId);
    }

    public Task RetireAsync(string key, string adminUserId, CancellationToken cancellationToken = default) =>
        ChangeAsync(key, adminUserId, m => m.Retire(), "retired", cancellationToken);

    public Task RestoreAsync(string key, string adminUserId, CancellationToken cancellationToken = default) =>
        ChangeAsync(key, adminUserId, m => m.Restore(), "restored", cancellationToken);

    private async Task ChangeAsync(string key, string adminUserId, Action<Metric> change, string what, CancellationToken cancellationToken)
    {
        await acting.EnsureAsync(adminUserId, Policies.Administer, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        change(await FindAsync(db, key, cancellationToken));
        await SaveAsync(db, cancellationToken);
        logger.LogInformation("Metric {MetricKey} {Change} by {UserId}", key, what, adminUserId);
    }

    private async Task EnsureValidAsync(MetricForm form, string adminUserId, bool isNew, CancellationToken cancellationToken)
    {
        await acting.EnsureAsync(adminUserId, Policies.Administer, cancellationToken);
        if (isNew != (form.EditingKey is null))
        {
            throw new DomainException("The form does not match the metric. Reload the page.");
        }

        // The page validated already; the service checks again because it is the boundary that writes.
        var validation = await validator.ValidateAsync(form, cancellationToken);
        if (!validation.IsValid)
        {
            throw new DomainException("Nothing was saved: " + string.Join(" ", validation.Errors.Select(e => e.ErrorMessage).Distinct()));
        }
    }

    private static async Task<Metric> FindAsync(CovidEntryDbContext db, string key, CancellationToken cancellationToken) =>
        await db.Metrics.SingleOrDefaultAsync(m => m.Key == key, cancellationToken)
            ?? throw new DomainException($"There is no metric {key}. Reload the page.");

    /// <summary>
    /// The keys that hold a published value (the latest table has a row for every cell ever
    /// published, and is far smaller than the versions): their names are in the public files.
    /// </summary>
    private static async Task<HashSet<string>> KeysWithValuesAsync(CovidEntryDbContext db, CancellationToken cancellationToken, string? only = null)
    {
        var published = db.LatestValues.Select(v => v.MetricKey);
        if (only is not null)
        {
            published = published.Where(k => k == only).Take(1);
        }

        return await published.Distinct().ToHashSetAsync(cancellationToken);
    }

    private static async Task SaveAsync(CovidEntryDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveOrExplainAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two admins adding the same name at once: the second is told, nothing half-written.
            throw new DomainException("Another metric took this key, v1 column or v2 path a moment ago, so nothing was saved. Reload and choose another.");
        }
    }
}
