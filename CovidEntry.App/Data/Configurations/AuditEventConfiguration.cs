using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.Property(e => e.UserId).HasMaxLength(450);
        builder.Property(e => e.UserName).HasMaxLength(AuditEvent.UserNameMaxLength);
        builder.Property(e => e.Action).HasConversion<string>().HasMaxLength(32);
        builder.Property(e => e.EntityType).HasMaxLength(AuditEvent.EntityTypeMaxLength).IsRequired();
        builder.Property(e => e.EntityKey).HasMaxLength(AuditEvent.EntityKeyMaxLength);
        builder.Property(e => e.CorrelationId).HasMaxLength(AuditEvent.CorrelationMaxLength);
        builder.Property(e => e.Reason).HasMaxLength(AuditEvent.ReasonMaxLength);
        builder.Property(e => e.Seal).HasMaxLength(AuditEvent.SealMaxLength);
        builder.Ignore(e => e.Changes);
        JsonColumn.Map(builder.Property<List<FieldChange>>("_changes"), "Changes");

        // The audit page's questions, each answered newest first by walking one index.
        builder.HasIndex(e => new { e.UserId, e.Id });
        builder.HasIndex(e => new { e.EntityType, e.EntityKey, e.Id });
        builder.HasIndex(e => new { e.BatchId, e.Id });
        builder.HasIndex(e => new { e.Action, e.Id });
        builder.HasIndex(e => e.OccurredAtUtc);
    }
}

public sealed class AuditLinkConfiguration : IEntityTypeConfiguration<AuditLink>
{
    public void Configure(EntityTypeBuilder<AuditLink> builder)
    {
        builder.ToTable("AuditChain");
        builder.HasKey(l => l.Position);
        builder.Property(l => l.Position).UseIdentityAlwaysColumn();
        builder.Property(l => l.Hash).HasMaxLength(AuditLink.HashLength).IsFixedLength().IsRequired();
        builder.Property(l => l.KeyId).HasMaxLength(KeyFile.FingerprintLength).IsFixedLength().IsRequired();

        // An event is linked once; a linked event cannot be removed while its link stands.
        builder.HasIndex(l => l.EventId).IsUnique();
        builder.HasOne<AuditEvent>().WithMany().HasForeignKey(l => l.EventId).OnDelete(DeleteBehavior.Restrict);
    }
}
