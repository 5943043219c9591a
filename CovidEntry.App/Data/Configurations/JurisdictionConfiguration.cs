using CovidEntry.Domain.Jurisdictions;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class JurisdictionConfiguration : IEntityTypeConfiguration<Jurisdiction>
{
    public void Configure(EntityTypeBuilder<Jurisdiction> builder)
    {
        builder.HasKey(j => j.Code);
        builder.Property(j => j.Code).HasMaxLength(Jurisdiction.CodeLength).IsFixedLength();
        builder.Property(j => j.Name).HasMaxLength(Jurisdiction.NameMaxLength).IsRequired();
        builder.Property(j => j.Fips).HasMaxLength(2).IsRequired();
        builder.Property(j => j.TotalTestResultsField).HasMaxLength(Jurisdiction.RuleMaxLength).IsRequired();
        builder.HasMany(j => j.Sources).WithOne().HasForeignKey("JurisdictionCode").OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(j => j.Sources).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

public sealed class JurisdictionSourceConfiguration : IEntityTypeConfiguration<JurisdictionSource>
{
    public void Configure(EntityTypeBuilder<JurisdictionSource> builder)
    {
        builder.ToTable("JurisdictionSources");
        builder.Property(s => s.Label).HasMaxLength(JurisdictionSource.LabelMaxLength).IsRequired();
        builder.Property(s => s.Url).HasMaxLength(JurisdictionSource.UrlMaxLength).IsRequired();
        builder.Ignore(s => s.Capture);
        builder.Property(s => s.WaitForSelector).HasMaxLength(CaptureSettings.SelectorMaxLength);
        builder.Property(s => s.ElementSelector).HasMaxLength(CaptureSettings.SelectorMaxLength);
        builder.Property(s => s.ViewportWidth).HasDefaultValue(CaptureSettings.Default.ViewportWidth);
        builder.Property(s => s.ViewportHeight).HasDefaultValue(CaptureSettings.Default.ViewportHeight);
        builder.Property<List<string>>("_clickSelectors").HasColumnName("ClickSelectors");
        builder.Property<List<string>>("_hideSelectors").HasColumnName("HideSelectors");
        builder.Property<List<TimeOnly>>("_captureTimesUtc").HasColumnName("CaptureTimesUtc");
    }
}
