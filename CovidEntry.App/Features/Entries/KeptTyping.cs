using CovidEntry.Domain.Entries;

namespace CovidEntry.App.Features.Entries;

/// <summary>
/// What the browser keeps of a pass until the server confirms it (wwwroot/kept-typing.js): the
/// form's fields as field → text, the way the browser reads them, under a key naming the person,
/// the entry and the pass, and the draft revision the typing went over.
/// </summary>
public sealed record KeptTypingOptions(string Key, int Revision, IReadOnlyDictionary<string, string> Saved);

/// <summary>
/// Typing that differs from what was saved since, for the person to choose between: kept in this
/// browser by an earlier page of the pass (<paramref name="FromEarlierPage"/>), or typed on this
/// page while another window or device saved the pass.
/// </summary>
public sealed record KeptTypingChoice(
    IReadOnlyDictionary<string, string> Kept,
    IReadOnlyDictionary<string, string> Saved,
    int SavedRevision,
    bool FromEarlierPage,
    DateTime? KeptAtUtc = null)
{
    public string Intro => FromEarlierPage
        ? $"This browser kept values you typed at {KeptAtUtc:HH:mm} UTC that were never saved, and this pass was saved from another window or device since."
        : "This pass was saved from another window or device while you were typing here, so what you typed here is not saved yet.";

    public string KeptHeading => FromEarlierPage ? "Kept in this browser" : "Typed here";
}

public static class KeptTyping
{
    /// <summary>Another person signed in on the same browser has another key, so never sees this typing.</summary>
    public static string Key(string userId, Guid entryId, int passNumber) => $"{userId}.{entryId:N}.{passNumber}";

    /// <summary>A draft as the browser reads the form: every field that holds something.</summary>
    public static IReadOnlyDictionary<string, string> Fields(DraftContent content)
    {
        var fields = content.Texts.Where(t => !string.IsNullOrEmpty(t.Value)).ToDictionary(t => t.Key, t => t.Value);
        Add(nameof(EntryFormModel.SourceUpdatedAt), content.SourceUpdatedAt);
        Add(nameof(EntryFormModel.PublicNote), content.PublicNote);
        Add(nameof(EntryFormModel.PrivateNote), content.PrivateNote);
        return fields;

        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                fields[key] = value;
            }
        }
    }

    /// <summary>The fields where the two differ, in the form's order, each with both texts ("" for empty).</summary>
    public static IReadOnlyList<(string Field, string Label, string Kept, string Saved)> Differences(
        EntryFormModel model, IReadOnlyDictionary<string, string> kept, IReadOnlyDictionary<string, string> saved)
    {
        var fields = model.Values.Select(v => (v.Key, v.Label))
            .Append((nameof(EntryFormModel.SourceUpdatedAt), "Source last updated"))
            .Append((nameof(EntryFormModel.PublicNote), "Public note"))
            .Append((nameof(EntryFormModel.PrivateNote), "Private note"));
        return fields
            .Select(f => (Field: f.Item1, Label: f.Item2, Kept: kept.GetValueOrDefault(f.Item1) ?? "", Saved: saved.GetValueOrDefault(f.Item1) ?? ""))
            .Where(d => d.Kept != d.Saved)
            .ToList();
    }
}
