using CovidEntry.Domain.Metrics;

namespace CovidEntry.App.Shared;

/// <summary>A metric of the catalog as forms and grids show it.</summary>
public sealed record MetricField(string Key, string Label, MetricGroup Group, MetricKind Kind = MetricKind.Cumulative);
