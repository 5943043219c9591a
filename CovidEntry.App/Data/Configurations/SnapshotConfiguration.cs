using CovidEntry.Domain.Snapshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class SnapshotConfiguration : IEntityTypeConfiguration<Snapshot>
{
    public void Configure(EntityTypeBuilder<Snapshot> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(32);
        builder.Property(s => s.Trigger).HasMaxLength(32).IsRequired();
        builder.Property(s => s.RequestedByUserId).HasMaxLength(450);
        builder.Property(s => s.Progress).HasMaxLength(Snapshot.ProgressMaxLength).IsRequired();
        builder.Property(s => s.SigningKey).HasMaxLength(Snapshot.SigningKeyLength).IsFixedLength();
        builder.HasMany(s => s.Files).WithOne().HasForeignKey(f => f.SnapshotId).OnDelete(DeleteBehavior.Restrict);
        builder.Navigation(s => s.Files).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasIndex(s => new { s.State, s.StartedAtUtc });
        builder.Property<uint>("RowVersion").IsRowVersion();
    }
}

public sealed class SnapshotFileConfiguration : IEntityTypeConfiguration<SnapshotFile>
{
    public void Configure(EntityTypeBuilder<SnapshotFile> builder)
    {
        builder.Property(f => f.Id).UseIdentityAlwaysColumn();
        builder.Property(f => f.Name).HasMaxLength(SnapshotFile.NameMaxLength).IsRequired();
        builder.Property(f => f.ContentType).HasMaxLength(100).IsRequired();
        builder.Property(f => f.Sha256).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.HasIndex(f => new { f.SnapshotId, f.Name }).IsUnique();
    }
}
