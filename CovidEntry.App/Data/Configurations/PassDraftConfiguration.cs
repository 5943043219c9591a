using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class PassDraftConfiguration : IEntityTypeConfiguration<PassDraft>
{
    public void Configure(EntityTypeBuilder<PassDraft> builder)
    {
        // One draft per person and pass: a pass taken over by someone else starts from an empty form.
        builder.HasKey(d => new { d.EntryId, d.PassNumber, d.UserId });
        builder.HasOne<Entry>().WithMany().HasForeignKey(d => d.EntryId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(d => d.Texts);
        builder.Ignore(d => d.Content);
        builder.Ignore(d => d.Answers);
        builder.Ignore(d => d.Evidence);
        JsonColumn.Map(builder.Property<Dictionary<string, ValueEvidence>>("_evidence"), "Evidence");
        JsonColumn.Map(builder.Property<Dictionary<string, string>>("_texts"), "Texts");
        JsonColumn.Map(builder.Property<Dictionary<string, WarningAnswer>>("_answers"), "Answers");
        builder.Property(d => d.SourceUpdatedAt).HasMaxLength(PassDraft.TextMaxLength);
        builder.Property(d => d.PublicNote).HasMaxLength(Pass.NoteMaxLength);
        builder.Property(d => d.PrivateNote).HasMaxLength(Pass.NoteMaxLength);
        builder.Property(d => d.FocusedField).HasMaxLength(Metric.KeyMaxLength);
        builder.Property(d => d.Revision).IsConcurrencyToken();
        builder.ToTable(t => t.HasCheckConstraint("CK_PassDrafts_PassNumber", "\"PassNumber\" IN (1, 2)"));
    }
}
