using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Screenshots;

namespace CovidEntry.Domain.Entries;

/// <summary>What a volunteer has typed into a pass so far, as typed (even when not yet valid).</summary>
public sealed record DraftContent(
    IReadOnlyDictionary<string, string> Texts,
    string? SourceUpdatedAt,
    string? PublicNote,
    string? PrivateNote,
    string? FocusedField,
    IReadOnlyDictionary<string, WarningAnswer>? Answers = null,
    IReadOnlyDictionary<string, ValueEvidence>? Evidence = null);

/// <summary>
/// The unsubmitted state of one person's pass, saved as they type so that a closed tab, a lost
/// connection, a server restart or another device resumes where they were. A draft belongs to
/// its author: it is never shown to anyone else, least of all the other pass.
/// </summary>
public sealed class PassDraft
{
    /// <summary>Longer than any count written with separators; anything longer is not a number being typed.</summary>
    public const int TextMaxLength = 64;

    public const string NoNul = "Not saved: the draft holds a NUL character, which cannot be stored. Retype the field without it.";

    private Dictionary<string, string> _texts = [];
    private Dictionary<string, WarningAnswer> _answers = [];
    private Dictionary<string, ValueEvidence> _evidence = [];

    private PassDraft()
    {
    }

    public PassDraft(Guid entryId, int passNumber, string userId)
    {
        EntryId = entryId;
        PassNumber = passNumber;
        UserId = userId;
    }

    public Guid EntryId { get; private set; }
    public int PassNumber { get; private set; }
    public string UserId { get; private set; } = "";
    public IReadOnlyDictionary<string, string> Texts => _texts;

    /// <summary>The reasons given so far to warnings, by warning key.</summary>
    public IReadOnlyDictionary<string, WarningAnswer> Answers => _answers;

    /// <summary>The screenshot (and marked region) each value is being read from.</summary>
    public IReadOnlyDictionary<string, ValueEvidence> Evidence => _evidence;
    public string? SourceUpdatedAt { get; private set; }
    public string? PublicNote { get; private set; }
    public string? PrivateNote { get; private set; }

    /// <summary>The field the volunteer was in, so resuming puts the cursor back there.</summary>
    public string? FocusedField { get; private set; }

    public DateTime SavedAtUtc { get; private set; }

    /// <summary>Counts saves; a save that started from an older revision was overtaken by another window.</summary>
    public int Revision { get; private set; }

    public DraftContent Content => new(_texts, SourceUpdatedAt, PublicNote, PrivateNote, FocusedField, _answers, _evidence);

    public void Record(DraftContent content, DateTime nowUtc)
    {
        // PostgreSQL refuses \u0000 in jsonb and text; refused here it is a sentence, not a failed save.
        string?[] written = [.. content.Texts.Values, content.SourceUpdatedAt, content.PublicNote, content.PrivateNote, content.FocusedField,
            .. content.Answers?.Values.Select(a => a.Note) ?? []];
        if (written.Any(text => text?.Contains('\0') == true))
        {
            throw new DomainException(NoNul);
        }

        var tooLong = content.Texts.Where(t => t.Value.Length > TextMaxLength).Select(t => t.Key).ToList();
        if (tooLong.Count > 0)
        {
            throw new DomainException($"Not saved: {string.Join(", ", tooLong)} has more than {TextMaxLength} characters, which is not a count. Shorten it.");
        }

        if (content.PublicNote?.Length > Pass.NoteMaxLength || content.PrivateNote?.Length > Pass.NoteMaxLength)
        {
            throw new DomainException($"Not saved: a note can be at most {Pass.NoteMaxLength:#,0} characters. Shorten it.");
        }

        if (content.Answers?.Values.Any(a => a.Note?.Length > WarningAnswer.NoteMaxLength) == true)
        {
            throw new DomainException($"Not saved: a warning's note can be at most {WarningAnswer.NoteMaxLength:#,0} characters. Shorten it.");
        }

        if (content.SourceUpdatedAt?.Length > TextMaxLength || content.FocusedField?.Length > TextMaxLength)
        {
            throw new DomainException("Not saved: the source's last-updated time is not a date and time.");
        }

        _texts = content.Texts.Where(t => t.Value.Length > 0).ToDictionary(t => t.Key, t => t.Value);
        if (content.Evidence?.Values.Any(e => e.Region is { IsValid: false }) == true)
        {
            throw new DomainException("Not saved: a marked region must lie inside its screenshot.");
        }

        _answers = content.Answers?.ToDictionary(a => a.Key, a => a.Value) ?? [];
        _evidence = content.Evidence?.ToDictionary(e => e.Key, e => e.Value) ?? [];
        SourceUpdatedAt = content.SourceUpdatedAt;
        PublicNote = content.PublicNote;
        PrivateNote = content.PrivateNote;
        FocusedField = content.FocusedField;
        SavedAtUtc = nowUtc;
        Revision++;
    }
}
