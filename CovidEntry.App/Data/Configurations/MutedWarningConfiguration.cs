using CovidEntry.Domain.Jurisdictions;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Quality;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class MutedWarningConfiguration : IEntityTypeConfiguration<MutedWarning>
{
    public void Configure(EntityTypeBuilder<MutedWarning> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.JurisdictionCode).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
        builder.HasOne<Jurisdiction>().WithMany().HasForeignKey(s => s.JurisdictionCode).OnDelete(DeleteBehavior.Restrict);
        builder.Property(s => s.MetricKey).HasMaxLength(Metric.KeyMaxLength);
        builder.Property(s => s.Rule).HasConversion<string>().HasMaxLength(32);
        builder.Property(s => s.Reason).HasMaxLength(MutedWarning.ReasonMaxLength).IsRequired();
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.CreatedByUserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.JurisdictionCode, s.UntilDate });
    }
}
