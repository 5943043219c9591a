using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Jurisdictions;
using CovidEntry.Domain.Quality;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class BatchConfiguration : IEntityTypeConfiguration<Batch>
{
    public void Configure(EntityTypeBuilder<Batch> builder)
    {
        // The domain makes its own ids (Guid v7); a set id never means "already stored".
        builder.Property(b => b.Id).ValueGeneratedNever();
        builder.Property(b => b.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(b => b.Status).HasConversion<string>().HasMaxLength(32);
        builder.Property(b => b.CreatedByUserId).HasMaxLength(450).IsRequired();
        builder.Property(b => b.PublishedByUserId).HasMaxLength(450);
        builder.Property(b => b.Note).HasMaxLength(Batch.NoteMaxLength);
        builder.Property(b => b.Link).HasMaxLength(Batch.LinkMaxLength);
        builder.Property(b => b.EditJurisdictionCode).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
        builder.HasOne<Jurisdiction>().WithMany().HasForeignKey(b => b.EditJurisdictionCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(b => new { b.Kind, b.Status });

        builder.OwnsMany(b => b.Edits, edit =>
        {
            edit.ToTable("EditedCells");
            edit.WithOwner().HasForeignKey("BatchId");
            edit.HasKey("BatchId", nameof(EditedCell.JurisdictionCode), nameof(EditedCell.DataDate), nameof(EditedCell.MetricKey));
            edit.Property(e => e.JurisdictionCode).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
            edit.Property(e => e.MetricKey).HasMaxLength(CovidEntry.Domain.Metrics.Metric.KeyMaxLength);
            edit.Ignore(e => e.Cell);
            edit.Ignore(e => e.Reading);
            edit.Ignore(e => e.PreviousReading);
            edit.Property(e => e.Missing).HasConversion<string>().HasMaxLength(32);
            edit.Property(e => e.PreviousMissing).HasConversion<string>().HasMaxLength(32);
            edit.ToTable(t => t.HasCheckConstraint("CK_EditedCells_Value", "\"Value\" IS NULL OR \"Value\" >= 0"));
        });
        builder.Navigation(b => b.Edits).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(b => b.Entries).WithOne().HasForeignKey(e => e.BatchId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(b => b.Entries).UsePropertyAccessMode(PropertyAccessMode.Field);

        // Two leads publishing the same batch at once: the second save fails on this token.
        builder.Property<uint>("RowVersion").IsRowVersion();
    }
}

public sealed class EntryConfiguration : IEntityTypeConfiguration<Entry>
{
    public void Configure(EntityTypeBuilder<Entry> builder)
    {
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.JurisdictionCode).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
        builder.HasOne<Jurisdiction>().WithMany().HasForeignKey(e => e.JurisdictionCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(e => e.FirstPassUserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(e => e.SecondPassUserId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(32);
        builder.HasIndex(e => new { e.BatchId, e.JurisdictionCode, e.DataDate }).IsUnique();
        builder.Property<uint>("RowVersion").IsRowVersion();

        builder.HasMany(e => e.Passes).WithOne().HasForeignKey("EntryId").OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(e => e.Passes).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Ignore(e => e.FirstPass);
        builder.Ignore(e => e.SecondPass);

        builder.OwnsMany(e => e.ResolvedValues, resolved =>
        {
            resolved.ToTable("ResolvedValues");
            resolved.WithOwner().HasForeignKey("EntryId");
            resolved.HasKey("EntryId", nameof(ResolvedValue.MetricKey));
            resolved.Property(r => r.MetricKey).HasMaxLength(CovidEntry.Domain.Metrics.Metric.KeyMaxLength);
            resolved.Property(r => r.Source).HasConversion<string>().HasMaxLength(32);
            resolved.Property(r => r.Reason).HasMaxLength(ResolvedValue.ReasonMaxLength);
            resolved.Property(r => r.ResolvedByUserId).HasMaxLength(450);
        });
        builder.Navigation(e => e.ResolvedValues).UsePropertyAccessMode(PropertyAccessMode.Field);

        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(e => e.ApprovedByUserId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(e => e.HasWarnings);
        builder.OwnsMany(e => e.ReturnedPasses, returned =>
        {
            returned.ToTable("ReturnedPasses");
            returned.WithOwner().HasForeignKey("EntryId");
            returned.HasKey(r => r.Id);
            returned.Property(r => r.Id).ValueGeneratedNever();
            returned.Property(r => r.UserId).HasMaxLength(450);
            returned.Property(r => r.ReturnedByUserId).HasMaxLength(450);
            returned.Property(r => r.Comment).HasMaxLength(ReturnedPass.CommentMaxLength);
            returned.Ignore(r => r.Values);
            JsonColumn.Map(returned.Property<Dictionary<string, long?>>("_values"), "Values");
        });
        builder.Navigation(e => e.ReturnedPasses).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

public sealed class PassConfiguration : IEntityTypeConfiguration<Pass>
{
    public void Configure(EntityTypeBuilder<Pass> builder)
    {
        builder.ToTable("Passes");

        // A pass is added to an entry that is already tracked: with a generated key, EF would take
        // the set id for a stored row and update instead of insert.
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.PublicNote).HasMaxLength(Pass.NoteMaxLength);
        builder.Property(p => p.PrivateNote).HasMaxLength(Pass.NoteMaxLength);
        builder.HasIndex("EntryId", nameof(Pass.Number)).IsUnique();
        builder.ToTable(t => t.HasCheckConstraint("CK_Passes_Number", "\"Number\" IN (1, 2)"));

        builder.OwnsMany(p => p.Values, value =>
        {
            value.ToTable("PassValues");
            value.WithOwner().HasForeignKey("PassId");
            value.HasKey("PassId", nameof(PassValue.MetricKey));
            value.Property(v => v.MetricKey).HasMaxLength(CovidEntry.Domain.Metrics.Metric.KeyMaxLength);
            value.ToTable(t => t.HasCheckConstraint("CK_PassValues_Value", "\"Value\" IS NULL OR \"Value\" >= 0"));
            value.Ignore(v => v.Evidence);
            value.HasOne<CovidEntry.Domain.Screenshots.Screenshot>().WithMany().HasForeignKey(v => v.ScreenshotId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Navigation(p => p.Values).UsePropertyAccessMode(PropertyAccessMode.Field);

        builder.OwnsMany(p => p.Warnings, warning =>
        {
            warning.ToTable("PassWarnings");
            warning.WithOwner().HasForeignKey("PassId");
            warning.HasKey("PassId", nameof(PassWarning.Rule), nameof(PassWarning.Field));
            warning.Property(w => w.Rule).HasConversion<string>().HasMaxLength(32);
            warning.Property(w => w.Field).HasMaxLength(CovidEntry.Domain.Metrics.Metric.KeyMaxLength);
            warning.Property(w => w.Message).HasMaxLength(1000);
            warning.Property(w => w.Reason).HasConversion<string>().HasMaxLength(32);
            warning.Property(w => w.Note).HasMaxLength(WarningAnswer.NoteMaxLength);
        });
        builder.Navigation(p => p.Warnings).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
