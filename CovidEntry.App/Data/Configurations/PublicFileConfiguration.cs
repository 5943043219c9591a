using CovidEntry.App.Features.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class PublicFileGenerationConfiguration : IEntityTypeConfiguration<PublicFileGeneration>
{
    public void Configure(EntityTypeBuilder<PublicFileGeneration> builder)
    {
        builder.Property(g => g.Id).UseIdentityAlwaysColumn();
        builder.Property(g => g.SourceKey).HasMaxLength(PublicFileGeneration.SourceKeyMaxLength).IsRequired();
        builder.HasIndex(g => g.SourceKey).IsUnique();
        builder.HasMany<PublicFileBlob>().WithOne().HasForeignKey(b => b.GenerationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PublicFileBlobConfiguration : IEntityTypeConfiguration<PublicFileBlob>
{
    public void Configure(EntityTypeBuilder<PublicFileBlob> builder)
    {
        builder.HasKey(b => new { b.GenerationId, b.Path });
        builder.Property(b => b.Path).HasMaxLength(PublicFileBlob.PathMaxLength);
        builder.Property(b => b.ContentType).HasMaxLength(100).IsRequired();
        builder.Property(b => b.DownloadName).HasMaxLength(100);
        builder.Property(b => b.Sha256).HasMaxLength(64).IsFixedLength().IsRequired();
    }
}
