using CovidEntry.App.Components.Account;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CovidEntry.App.Data.Configurations;

public sealed class SignInSessionConfiguration : IEntityTypeConfiguration<SignInSession>
{
    public void Configure(EntityTypeBuilder<SignInSession> builder)
    {
        builder.HasKey(s => s.KeyHash);
        builder.Property(s => s.KeyHash).HasMaxLength(SignInSessionStore.KeyHashLength);
        builder.Property(s => s.UserId).IsRequired();
        builder.Property(s => s.Ticket).IsRequired();

        // Signing someone out everywhere deletes their sessions; expired ones are swept by time.
        builder.HasIndex(s => s.UserId);
        builder.HasIndex(s => s.ExpiresAtUtc);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SignInFailureConfiguration : IEntityTypeConfiguration<SignInFailure>
{
    public void Configure(EntityTypeBuilder<SignInFailure> builder)
    {
        builder.Property(f => f.AccountKey).HasMaxLength(SignInAccount.KeyLength);
        builder.Property(f => f.AddressPrefix).HasMaxLength(ClientAddress.PrefixMaxLength).IsRequired();

        // The throttle's two questions: this account's failures (in one browser's bucket or the
        // shared one), and this network's failures, each in a recent window.
        builder.HasIndex(f => new { f.AccountKey, f.DeviceId, f.OccurredAtUtc });
        builder.HasIndex(f => new { f.AddressPrefix, f.OccurredAtUtc });
        builder.HasIndex(f => f.OccurredAtUtc);
    }
}
