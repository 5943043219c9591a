using System.Globalization;
using System.Text;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Entries;

namespace CovidEntry.App.Features.Audit;

/// <summary>One answer to "what happened?": the kinds of record whose events tell it.</summary>
/// <param name="WithReasonOnly">Only events that carry a reason (a lead's reconciliation, not the values both passes agreed on).</param>
public sealed record AuditHappening(string Key, string Label, IReadOnlyList<string> EntityTypes, bool WithReasonOnly = false);

/// <summary>
/// The audit trail in people's words: kinds of record ("Pass", "Reconciliation", "Publish"), what was
/// done to them, fields and values (names for user ids, dates as yyyy-MM-dd, times in the reader's
/// zone), and the "what happened" groups the trail is filtered by. Events keep the table names; only
/// their display changes.
/// </summary>
public static class AuditWords
{
    private static readonly Dictionary<string, string> Kinds = new(StringComparer.Ordinal)
    {
        ["Entries"] = "Entry",
        ["Passes"] = "Pass",
        ["PassValues"] = "Pass value",
        ["PassWarnings"] = "Pass warning",
        ["PassDrafts"] = "Pass draft",
        ["ReturnedPasses"] = "Pass sent back",
        ["ResolvedValues"] = "Reconciliation",
        ["Batches"] = "Batch",
        ["EditedCells"] = "Edit batch",
        ["ValueVersions"] = "Published value",
        ["LatestValues"] = "Latest value",
        ["BatchManifests"] = "Publish",
        ["ReportedDays"] = "Reported day",
        ["Shifts"] = "Shift",
        ["Jurisdictions"] = "Jurisdiction",
        ["JurisdictionSources"] = "Source",
        ["Metrics"] = "Metric",
        ["MutedWarnings"] = "Muted warning",
        ["Suppressions"] = "Muted warning", // the table's name before the NameMutedWarnings migration: earlier events keep it
        ["Screenshots"] = "Screenshot",
        ["ImageBlobs"] = "Screenshot image",
        ["CaptureJobs"] = "Capture",
        ["ScreenshotApprovals"] = "Screenshot approval",
        ["Snapshots"] = "Snapshot",
        ["SnapshotFiles"] = "Snapshot file",
        ["WebhookMessages"] = "Alert",
        ["AspNetUsers"] = "Person",
        ["AspNetUserRoles"] = "Role of a person",
        ["AspNetRoles"] = "Role",
        ["AspNetRoleClaims"] = "Role claim",
        ["AspNetUserClaims"] = "Person's claim",
        ["AspNetUserLogins"] = "Sign-in method",
        ["AspNetUserTokens"] = "Sign-in token",
        ["AspNetUserPasskeys"] = "Passkey",
        ["SignInSessions"] = "Sign-in session",
        ["SignInFailures"] = "Failed sign-in",
        ["DataProtectionKeys"] = "Sign-in key",
        [AuditKinds.Account] = "Sign-in",
        [AuditKinds.Page] = "Page",
        [AuditKinds.Download] = "Download",
        [AuditKinds.ImportFile] = "Import",
        [AuditKinds.SnapshotRun] = "Snapshot run",
    };

    /// <summary>The "what happened" filter, in the order it is offered.</summary>
    public static IReadOnlyList<AuditHappening> Happenings { get; } =
    [
        new("entry", "Entry (passes, claims, drafts)", ["Entries", "Passes", "PassValues", "PassWarnings", "PassDrafts", "ReturnedPasses"]),
        new("reconciliation", "Reconciliation", ["ResolvedValues"], WithReasonOnly: true),
        new("publish", "Publish", ["Batches", "ValueVersions", "LatestValues", "BatchManifests", "ReportedDays"]),
        new("edit", "Edit batch", ["EditedCells"]),
        new("shift", "Shift", ["Shifts"]),
        new("sign-in", "Sign-in", [AuditKinds.Account, "SignInSessions", "SignInFailures"]),
        new("people", "People and roles", ["AspNetUsers", "AspNetUserRoles", "AspNetRoles", "AspNetRoleClaims", "AspNetUserClaims", "AspNetUserLogins", "AspNetUserTokens", "AspNetUserPasskeys"]),
        new("screenshots", "Screenshots and captures", ["Screenshots", "ImageBlobs", "CaptureJobs", "ScreenshotApprovals"]),
        new("jurisdictions", "Jurisdictions and sources", ["Jurisdictions", "JurisdictionSources"]),
        new("metrics", "Metric catalog", ["Metrics"]),
        new("muted", "Muted warnings", ["MutedWarnings", "Suppressions"]),
        new("snapshots", "Snapshots", ["Snapshots", "SnapshotFiles", AuditKinds.SnapshotRun]),
        new("import", "Import", [AuditKinds.ImportFile]),
        new("download", "Download", [AuditKinds.Download]),
        new("refused", "Access refused", [AuditKinds.Page]),
        new("alerts", "Alerts", ["WebhookMessages"]),
    ];

    public static AuditHappening? Happening(string? key) => Happenings.FirstOrDefault(h => h.Key == key);

    /// <summary>A kind of record in people's words; an edit batch and a publish say so.</summary>
    public static string Kind(string entityType, IReadOnlyList<FieldChange>? changes = null)
    {
        if (entityType == "ResolvedValues" && changes is not null && changes.Any(c => c.Field == "Source" && c.After == nameof(ResolutionSource.Matched)))
        {
            return "Agreed value";
        }

        if (entityType == "Batches" && changes is not null)
        {
            if (changes.Any(c => c.Field == "Status" && c.After == "Published"))
            {
                return "Publish";
            }

            if (changes.Any(c => c.Field == "Kind" && c.After == "Edit"))
            {
                return "Edit batch";
            }
        }

        return Kinds.GetValueOrDefault(entityType) ?? Words(entityType);
    }

    /// <summary>What an event says happened: "Pass added", "Shift changed", "Signed in", "Downloaded a file".</summary>
    public static string What(string entityType, AuditAction action, IReadOnlyList<FieldChange>? changes = null) => action switch
    {
        AuditAction.SignIn => "Signed in",
        AuditAction.SignInFailed => "Sign-in failed",
        AuditAction.LockedOut => "Locked out",
        AuditAction.SignOut => "Signed out",
        AuditAction.AccessDenied => "Refused access to a page",
        AuditAction.Download => "Downloaded a file",
        AuditAction.Import => "Imported a file",
        AuditAction.SnapshotRun => "Made a snapshot",
        _ => $"{Kind(entityType, changes)} {Action(action)}",
    };

    public static string Action(AuditAction action) => action switch
    {
        AuditAction.Insert => "added",
        AuditAction.Update => "changed",
        AuditAction.Delete => "removed",
        AuditAction.SignIn => "signed in",
        AuditAction.SignInFailed => "sign-in failed",
        AuditAction.LockedOut => "locked out",
        AuditAction.SignOut => "signed out",
        AuditAction.AccessDenied => "refused access",
        AuditAction.Download => "downloaded",
        AuditAction.Import => "imported",
        AuditAction.SnapshotRun => "made a snapshot",
        _ => Words(action.ToString()),
    };

    /// <summary>True for a field that holds a person's id.</summary>
    public static bool IsPerson(string field) => field.EndsWith("UserId", StringComparison.Ordinal);

    /// <summary>A field name in words: "FirstPassUserId" → "First pass user", "DataDate" → "Data date".</summary>
    public static string Field(string field)
    {
        var name = IsPerson(field) && field.Length > "Id".Length ? field[..^"Id".Length] : field;
        return Words(name);
    }

    /// <summary>
    /// A field's value for reading: a person's name for their id, a date as yyyy-MM-dd, a time in
    /// the reader's zone, an entry's state or a reconciliation's choice in words.
    /// </summary>
    public static string Value(string entityType, string field, string? value, IReadOnlyDictionary<string, string> names, TimeZoneShown zone)
    {
        if (value is null)
        {
            return "empty";
        }

        if (IsPerson(field))
        {
            return names.GetValueOrDefault(value, value);
        }

        if (entityType == "ResolvedValues" && field == "Source" && Enum.TryParse<ResolutionSource>(value, out var source))
        {
            return ResolvedValue.Describe(source);
        }

        if (entityType == "Entries" && field == "Status" && Enum.TryParse<EntryStatus>(value, out var status))
        {
            return CovidEntry.Domain.Entries.Entry.Describe(status);
        }

        // Dates are stored as the invariant culture writes them (MM/dd/yyyy), times in ISO 8601 UTC.
        if (value.Length == 10 && DateOnly.TryParseExact(value, "MM/dd/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        if (value.Length >= 20 && value[10] == 'T' && value.EndsWith('Z')
            && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
        {
            return zone.Format(time, "yyyy-MM-dd HH:mm:ss");
        }

        return value.Length > 120 ? value[..120] + "…" : value;
    }

    /// <summary>"PassWarnings" → "Pass warnings"; "SignInFailed" → "Sign in failed".</summary>
    private static string Words(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                text.Append(' ');
                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
