using CovidEntry.App.Data;
using CovidEntry.Domain.Exports;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Exports;

public sealed record PublicSource(string Label, string Url);

/// <summary>What a jurisdiction's public page shows: nothing that is not already in the public files.</summary>
public sealed record JurisdictionPageView(string Code, string Name, string? Notes, IReadOnlyList<PublicSource> Sources, IReadOnlyList<Series> Series, DateTimeOffset? AsOf)
{
    public DateOnly? LatestDate => Series.SelectMany(s => s.Points).Select(p => (DateOnly?)p.Date).Max();
}

/// <summary>Reads a jurisdiction's public page: its name, notes and sources, and its main series as published now or at a moment.</summary>
public sealed class PublicJurisdictionPageQueries(IDbContextFactory<CovidEntryDbContext> dbFactory, PublishedRows rows)
{
    /// <summary>The page of <paramref name="code"/>, or null when there is no such jurisdiction.</summary>
    public async Task<JurisdictionPageView?> LoadAsync(string code, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jurisdiction = await db.Jurisdictions.AsNoTracking().Where(j => j.Code == code)
            .Select(j => new { j.Code, j.Name, j.Notes, Sources = j.Sources.OrderBy(s => s.Position).Select(s => new PublicSource(s.Label, s.Url)).ToList() })
            .SingleOrDefaultAsync(cancellationToken);
        if (jurisdiction is null)
        {
            return null;
        }

        var catalog = await rows.CatalogAsync(cancellationToken);
        var days = await rows.DerivedAsync(catalog, asOf, jurisdiction.Code, cancellationToken).ToListAsync(cancellationToken);
        return new JurisdictionPageView(jurisdiction.Code, jurisdiction.Name, jurisdiction.Notes, jurisdiction.Sources, MainSeries.From(days, catalog.TotalTestsRuleByState[jurisdiction.Code]), asOf);
    }
}
