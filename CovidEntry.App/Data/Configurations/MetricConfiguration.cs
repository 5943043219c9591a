using CovidEntry.Domain.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class MetricConfiguration : IEntityTypeConfiguration<Metric>
{
    public void Configure(EntityTypeBuilder<Metric> builder)
    {
        builder.HasKey(m => m.Key);
        builder.Property(m => m.Key).HasMaxLength(Metric.KeyMaxLength);
        builder.Property(m => m.Label).HasMaxLength(Metric.LabelMaxLength).IsRequired();
        builder.Property(m => m.V1Column).HasMaxLength(Metric.KeyMaxLength).IsRequired();
        builder.Property(m => m.V2Path).HasMaxLength(Metric.PathMaxLength).IsRequired();
        builder.Property(m => m.Group).HasConversion<string>().HasMaxLength(32);
        builder.Property(m => m.Kind).HasConversion<string>().HasMaxLength(32);
        builder.HasIndex(m => m.V1Column).IsUnique();
        builder.HasIndex(m => m.V2Path).IsUnique();
        builder.Property(m => m.PartOf).HasColumnType("text[]").IsRequired();
    }
}
