using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Jurisdictions;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Screenshots;
using CovidEntry.Domain.Shifts;
using CovidEntry.Domain.Snapshots;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Data;

public class CovidEntryDbContext(DbContextOptions<CovidEntryDbContext> options)
    : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    /// <summary>Cookie and token keys, shared by every app instance and kept across restarts.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Metric> Metrics => Set<Metric>();
    public DbSet<Jurisdiction> Jurisdictions => Set<Jurisdiction>();
    public DbSet<Shift> Shifts => Set<Shift>();
    public DbSet<Batch> Batches => Set<Batch>();
    public DbSet<Entry> Entries => Set<Entry>();
    public DbSet<PassDraft> PassDrafts => Set<PassDraft>();
    public DbSet<MutedWarning> MutedWarnings => Set<MutedWarning>();
    public DbSet<Features.Alerts.WebhookMessage> WebhookMessages => Set<Features.Alerts.WebhookMessage>();
    public DbSet<ValueVersion> ValueVersions => Set<ValueVersion>();
    public DbSet<LatestValue> LatestValues => Set<LatestValue>();

    /// <summary>Jurisdiction-days as first published, values or not (append-only).</summary>
    public DbSet<ReportedDay> ReportedDays => Set<ReportedDay>();
    public DbSet<BatchManifest> BatchManifests => Set<BatchManifest>();
    public DbSet<Snapshot> Snapshots => Set<Snapshot>();
    public DbSet<Screenshot> Screenshots => Set<Screenshot>();
    public DbSet<Features.Screenshots.ImageBlob> ImageBlobs => Set<Features.Screenshots.ImageBlob>();
    public DbSet<CaptureJob> CaptureJobs => Set<CaptureJob>();
    public DbSet<ScreenshotApproval> ScreenshotApprovals => Set<ScreenshotApproval>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<AuditLink> AuditChain => Set<AuditLink>();
    public DbSet<SnapshotFile> SnapshotFiles => Set<SnapshotFile>();
    public DbSet<Features.Exports.PublicFileGeneration> PublicFileGenerations => Set<Features.Exports.PublicFileGeneration>();
    public DbSet<Features.Exports.PublicFileBlob> PublicFileBlobs => Set<Features.Exports.PublicFileBlob>();

    /// <summary>Signed-in sessions, so that signing out ends them on the server (written with SQL by SignInSessionStore).</summary>
    public DbSet<Components.Account.SignInSession> SignInSessions => Set<Components.Account.SignInSession>();

    /// <summary>Recent failed sign-ins, counted by SignInThrottle (written with SQL).</summary>
    public DbSet<Components.Account.SignInFailure> SignInFailures => Set<Components.Account.SignInFailure>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CovidEntryDbContext).Assembly);
    }
}
