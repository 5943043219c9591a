using CovidEntry.Domain.Batches;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Jurisdictions;
using CovidEntry.Domain.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class ValueVersionConfiguration : IEntityTypeConfiguration<ValueVersion>
{
    public void Configure(EntityTypeBuilder<ValueVersion> builder)
    {
        builder.Property(v => v.Id).UseIdentityAlwaysColumn();
        builder.Property(v => v.JurisdictionCode).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
        builder.Property(v => v.MetricKey).HasMaxLength(Metric.KeyMaxLength);
        builder.Property(v => v.PublishedByUserId).HasMaxLength(450).IsRequired();
        builder.HasOne<Jurisdiction>().WithMany().HasForeignKey(v => v.JurisdictionCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Metric>().WithMany().HasForeignKey(v => v.MetricKey).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Batch>().WithMany().HasForeignKey(v => v.BatchId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(v => new { v.JurisdictionCode, v.DataDate, v.MetricKey, v.VersionNumber }).IsUnique();
        builder.HasIndex(v => v.BatchId);

        // "Is this screenshot cited by anything published?": asked for every screenshot the public requests.
        builder.HasIndex(v => v.ScreenshotId).HasFilter("\"ScreenshotId\" IS NOT NULL");
        builder.Ignore(v => v.Cell);
        builder.Ignore(v => v.Reading);
        builder.Property(v => v.MissingReason).HasConversion<string>().HasMaxLength(32);
        builder.ToTable(t =>
        {
            t.HasCheckConstraint("CK_ValueVersions_Value", "\"Value\" IS NULL OR \"Value\" >= 0");
            t.HasCheckConstraint("CK_ValueVersions_MissingReason", "\"MissingReason\" IS NULL OR \"Value\" IS NULL");
        });
    }
}

public sealed class LatestValueConfiguration : IEntityTypeConfiguration<LatestValue>
{
    public void Configure(EntityTypeBuilder<LatestValue> builder)
    {
        builder.HasKey(l => new { l.JurisdictionCode, l.DataDate, l.MetricKey });
        builder.Property(l => l.JurisdictionCode).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
        builder.Property(l => l.MetricKey).HasMaxLength(Metric.KeyMaxLength);
        builder.HasOne<Jurisdiction>().WithMany().HasForeignKey(l => l.JurisdictionCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Metric>().WithMany().HasForeignKey(l => l.MetricKey).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(l => new { l.DataDate, l.JurisdictionCode });
        builder.Ignore(l => l.Cell);
        builder.Ignore(l => l.Reading);
        builder.Property(l => l.MissingReason).HasConversion<string>().HasMaxLength(32);
    }
}

public sealed class ReportedDayConfiguration : IEntityTypeConfiguration<ReportedDay>
{
    /// <summary>The sequence of the value versions' identity column, which reported days share (see <see cref="ReportedDay"/>).</summary>
    public const string SharedSequence = "\"ValueVersions_Id_seq\"";

    public void Configure(EntityTypeBuilder<ReportedDay> builder)
    {
        builder.Property(r => r.Id).HasDefaultValueSql($"nextval('{SharedSequence}')").ValueGeneratedOnAdd();
        builder.Property(r => r.JurisdictionCode).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
        builder.HasOne<Jurisdiction>().WithMany().HasForeignKey(r => r.JurisdictionCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Batch>().WithMany().HasForeignKey(r => r.BatchId).OnDelete(DeleteBehavior.Restrict);

        // One row a day (the first report wins), in the order the public files read them.
        builder.HasIndex(r => new { r.DataDate, r.JurisdictionCode }).IsUnique();
        builder.HasIndex(r => r.BatchId);
        builder.Ignore(r => r.Day);
    }
}

public sealed class BatchManifestConfiguration : IEntityTypeConfiguration<BatchManifest>
{
    public void Configure(EntityTypeBuilder<BatchManifest> builder)
    {
        builder.HasKey(m => new { m.BatchId, m.JurisdictionCode });
        builder.Property(m => m.JurisdictionCode).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
        builder.Property(m => m.Sha256).HasMaxLength(64).IsFixedLength();
        builder.HasOne<Batch>().WithMany().HasForeignKey(m => m.BatchId).OnDelete(DeleteBehavior.Restrict);
    }
}
