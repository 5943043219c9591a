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
        builder.Property(e => e.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
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
