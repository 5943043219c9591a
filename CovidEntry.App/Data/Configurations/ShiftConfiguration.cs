using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class ShiftConfiguration : IEntityTypeConfiguration<Shift>
{
    public void Configure(EntityTypeBuilder<Shift> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Label).HasMaxLength(Shift.LabelMaxLength).IsRequired();
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(32);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.LeadUserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Batch>().WithOne().HasForeignKey<Shift>(s => s.BatchId).OnDelete(DeleteBehavior.Restrict);
        builder.Property<uint>("RowVersion").IsRowVersion();
        builder.HasIndex(s => s.DataDate);
    }
}
