using CovidEntry.Domain.Metrics;

namespace CovidEntry.App.Shared;

/// <summary>A metric of the catalog as forms and grids show it.</summary>
/// <remarks><paramref name="MinValue"/> and <paramref name="MaxValue"/>: the catalog's bounds, which the pass form holds a value to.</remarks>
public sealed record MetricField(string Key, string Label, MetricGroup Group, MetricKind Kind = MetricKind.Cumulative, long? MinValue = null, long? MaxValue = null);
