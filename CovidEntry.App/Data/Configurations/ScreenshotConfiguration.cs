using CovidEntry.App.Features.Screenshots;
using CovidEntry.Domain.Jurisdictions;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class ImageBlobConfiguration : IEntityTypeConfiguration<ImageBlob>
{
    public void Configure(EntityTypeBuilder<ImageBlob> builder)
    {
        builder.HasKey(b => b.Sha256);
        builder.Property(b => b.Sha256).HasMaxLength(Screenshot.HashLength).IsFixedLength();
        builder.Property(b => b.ContentType).HasMaxLength(Screenshot.ContentTypeMaxLength).IsRequired();
        builder.Property(b => b.ThumbnailContentType).HasMaxLength(Screenshot.ContentTypeMaxLength).IsRequired();
    }
}

public sealed class ScreenshotEntityConfiguration : IEntityTypeConfiguration<Screenshot>
{
    public void Configure(EntityTypeBuilder<Screenshot> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.JurisdictionCode).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
        builder.Property(s => s.SourceLabel).HasMaxLength(JurisdictionSource.LabelMaxLength).IsRequired();
        builder.Property(s => s.Origin).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Sha256).HasMaxLength(Screenshot.HashLength).IsFixedLength();
        builder.Property(s => s.ContentType).HasMaxLength(Screenshot.ContentTypeMaxLength).IsRequired();
        builder.Property(s => s.FinalUrl).HasMaxLength(JurisdictionSource.UrlMaxLength);
        builder.Property(s => s.PageTitle).HasMaxLength(Screenshot.TitleMaxLength);
        builder.Ignore(s => s.IsCapture);
        builder.HasOne<Jurisdiction>().WithMany().HasForeignKey(s => s.JurisdictionCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<JurisdictionSource>().WithMany().HasForeignKey(s => s.SourceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ImageBlob>().WithMany().HasForeignKey(s => s.Sha256).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.UploadedByUserId).OnDelete(DeleteBehavior.Restrict);

        // The viewer's and the archive's question: a jurisdiction's screenshots by time.
        builder.HasIndex(s => new { s.JurisdictionCode, s.TakenAtUtc });
        builder.HasIndex(s => new { s.SourceId, s.TakenAtUtc });
    }
}

public sealed class CaptureJobConfiguration : IEntityTypeConfiguration<CaptureJob>
{
    public void Configure(EntityTypeBuilder<CaptureJob> builder)
    {
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.Property(j => j.JurisdictionCode).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
        builder.Property(j => j.Origin).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Error).HasMaxLength(CaptureJob.ErrorMaxLength);
        builder.Property(j => j.FinalUrl).HasMaxLength(JurisdictionSource.UrlMaxLength);
        builder.Property<DateTime?>("LeaseUntilUtc");
        builder.Ignore(j => j.IsFinished);
        builder.HasOne<Jurisdiction>().WithMany().HasForeignKey(j => j.JurisdictionCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<JurisdictionSource>().WithMany().HasForeignKey(j => j.SourceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Screenshot>().WithMany().HasForeignKey(j => j.ScreenshotId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(j => j.RequestedByUserId).OnDelete(DeleteBehavior.SetNull);

        // Each scheduled time of a source is captured once, however many app instances see it due.
        builder.HasIndex(j => new { j.SourceId, j.SlotUtc }).IsUnique().HasFilter("\"SlotUtc\" IS NOT NULL");
        builder.HasIndex(j => j.RequestedAtUtc).HasFilter("\"State\" IN ('Pending', 'Running')");
        builder.HasIndex(j => new { j.JurisdictionCode, j.RequestedAtUtc });
    }
}

public sealed class ScreenshotApprovalConfiguration : IEntityTypeConfiguration<ScreenshotApproval>
{
    public void Configure(EntityTypeBuilder<ScreenshotApproval> builder)
    {
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.ApprovedByUserId).IsRequired();
        builder.HasOne<Screenshot>().WithMany().HasForeignKey(a => a.ScreenshotId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(a => a.ApprovedByUserId).OnDelete(DeleteBehavior.Restrict);

        // One approval makes a screenshot public; a second would say nothing new.
        builder.HasIndex(a => a.ScreenshotId).IsUnique();
    }
}
