using CovidEntry.App.Features.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class WebhookMessageConfiguration : IEntityTypeConfiguration<WebhookMessage>
{
    public void Configure(EntityTypeBuilder<WebhookMessage> builder)
    {
        builder.Property(m => m.Kind).HasMaxLength(WebhookMessage.KindMaxLength).IsRequired();
        builder.Property(m => m.Text).IsRequired();
        builder.Property(m => m.DedupeKey).HasMaxLength(WebhookMessage.DedupeKeyMaxLength);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        builder.HasIndex(m => m.DedupeKey).IsUnique().HasFilter("\"DedupeKey\" IS NOT NULL");

        // The sender's question: what is due and not yet done?
        builder.HasIndex(m => m.NextAttemptAtUtc).HasFilter("\"DeliveredAtUtc\" IS NULL AND \"GaveUpAtUtc\" IS NULL");
    }
}
