using CovidEntry.App.Features.Entries;
using CovidEntry.Domain;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Metrics;

namespace CovidEntry.Tests.Hostile;

/// <summary>
/// One entry whose second pass is already submitted and whose first pass has a saved draft. Every
/// hostile case is refused against it, so each one can show that the submitted pass and the draft
/// are still there, unchanged.
/// </summary>
public sealed class HostileEntryFixture : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();
    public LoopScenario Loop { get; private set; } = null!;
    public Guid EntryId { get; private set; }
    public DraftContent Draft { get; } = new(new Dictionary<string, string> { ["positive"] = "12,3" }, null, "draft words", null, "positive");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Loop = await new LoopScenario(Database).WithPeopleAsync();
        EntryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(new DateOnly(2020, 11, 14), "AK"), "AK");
        await Loop.SubmitAsync(EntryId, 2, Loop.Cole, new Dictionary<string, string> { ["positive"] = "500", ["death"] = "7" });
        await Database.Get<DraftService>().SaveAsync(EntryId, 1, Loop.Vera, Draft, fromRevision: 0);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>Hostile text typed into an entry form: refused with a sentence, nothing stored, the saved pass and draft kept.</summary>
public class HostileEntryTests(HostileEntryFixture fixture) : IClassFixture<HostileEntryFixture>
{
    public const string Group = "Entry fields";

    private static readonly (string Name, string Text, string Error)[] Values =
    [
        ("letters", "abc", MetricValueParser.NotAWholeNumber),
        ("a number in words", "twelve", MetricValueParser.NotAWholeNumber),
        ("digits then a letter", "12a", MetricValueParser.NotAWholeNumber),
        ("a letter then digits", "a12", MetricValueParser.NotAWholeNumber),
        ("letter O for zero", "1O0", MetricValueParser.NotAWholeNumber),
        ("letter l for one", "l23", MetricValueParser.NotAWholeNumber),
        ("hexadecimal", "0x1F", MetricValueParser.NotAWholeNumber),
        ("decimal", "1.5", MetricValueParser.NoDecimals),
        ("decimal zero", "12.0", MetricValueParser.NoDecimals),
        ("grouped decimal", "1,234.56", MetricValueParser.NoDecimals),
        ("leading point", ".5", MetricValueParser.NoDecimals),
        ("trailing point", "5.", MetricValueParser.NoDecimals),
        ("European decimal comma", "1,5", MetricValueParser.BadGrouping),
        ("exponent 1e6", "1e6", MetricValueParser.NotAWholeNumber),
        ("exponent 1E6", "1E6", MetricValueParser.NotAWholeNumber),
        ("exponent 1e+6", "1e+6", MetricValueParser.NotAWholeNumber),
        ("Infinity", "Infinity", MetricValueParser.NotAWholeNumber),
        ("NaN", "NaN", MetricValueParser.NotAWholeNumber),
        ("negative", "-5", MetricValueParser.NoNegatives),
        ("negative with the minus sign U+2212", "\u22125", MetricValueParser.NoNegatives),
        ("negative zero", "-0", MetricValueParser.NoNegatives),
        ("negative grouped", "-1,234", MetricValueParser.NoNegatives),
        ("accounting negative (5)", "(5)", MetricValueParser.NotAWholeNumber),
        ("trailing minus", "5-", MetricValueParser.NotAWholeNumber),
        ("leading plus", "+5", MetricValueParser.NotAWholeNumber),
        ("2^63, one past long.MaxValue", "9223372036854775808", MetricValueParser.TooLarge),
        ("2^64", "18446744073709551616", MetricValueParser.TooLarge),
        ("26 nines", new string('9', 26), MetricValueParser.TooLarge),
        ("2^63 grouped", "9,223,372,036,854,775,808", MetricValueParser.TooLarge),
        ("Arabic-Indic digits", "\u0661\u0662\u0663", MetricValueParser.NotAWholeNumber),
        ("Extended Arabic-Indic (Persian) digits", "\u06F1\u06F2\u06F3", MetricValueParser.NotAWholeNumber),
        ("Arabic-Indic digits grouped", "\u0661,\u0662\u0663\u0664", MetricValueParser.NotAWholeNumber),
        ("full-width digits", "\uFF11\uFF12\uFF13", MetricValueParser.NotAWholeNumber),
        ("full-width digits and comma", "\uFF11\uFF0C\uFF12\uFF13\uFF14", MetricValueParser.NotAWholeNumber),
        ("ASCII digits then a full-width one", "12\uFF13", MetricValueParser.NotAWholeNumber),
        ("Devanagari digits", "\u0967\u0968\u0969", MetricValueParser.NotAWholeNumber),
        ("superscript digits", "\u00B9\u00B2\u00B3", MetricValueParser.NotAWholeNumber),
        ("circled digit", "\u2460", MetricValueParser.NotAWholeNumber),
        ("space as thousands separator", "1 234", MetricValueParser.NotAWholeNumber),
        ("no-break space as separator", "1\u00A0234", MetricValueParser.NotAWholeNumber),
        ("thin space as separator", "1\u2009234", MetricValueParser.NotAWholeNumber),
        ("tab inside", "1\t234", MetricValueParser.NotAWholeNumber),
        ("newline inside", "1\n234", MetricValueParser.NotAWholeNumber),
        ("apostrophe separator", "1'234", MetricValueParser.NotAWholeNumber),
        ("grouping of two", "1,23", MetricValueParser.BadGrouping),
        ("Indian grouping", "12,34,567", MetricValueParser.BadGrouping),
        ("leading comma", ",123", MetricValueParser.BadGrouping),
        ("double comma", "1,,234", MetricValueParser.BadGrouping),
        ("only commas", ",,,", MetricValueParser.NotAWholeNumber),
        ("emoji", "\U0001F600", MetricValueParser.NotAWholeNumber),
        ("keycap emoji digits", "1\uFE0F\u20E32\uFE0F\u20E3", MetricValueParser.NotAWholeNumber),
        ("digits then an emoji", "12\U0001F44D", MetricValueParser.NotAWholeNumber),
        ("NUL after digits", "12\0", MetricValueParser.NotAWholeNumber),
        ("NUL alone", "\0", MetricValueParser.NotAWholeNumber),
        ("right-to-left override before digits", "\u202E321", MetricValueParser.NotAWholeNumber),
        ("right-to-left override inside digits", "12\u202E3", MetricValueParser.NotAWholeNumber),
        ("right-to-left mark", "\u200F123", MetricValueParser.NotAWholeNumber),
        ("left-to-right isolate", "\u2066123\u2069", MetricValueParser.NotAWholeNumber),
        ("zero-width space inside", "1\u200B234", MetricValueParser.NotAWholeNumber),
        ("byte order mark before digits", "\uFEFF123", MetricValueParser.NotAWholeNumber),
        ("currency", "$5", MetricValueParser.NotAWholeNumber),
        ("percent", "5%", MetricValueParser.NotAWholeNumber),
        ("fraction", "12/3", MetricValueParser.NotAWholeNumber),
        ("HTML", "<script>alert(1)</script>", MetricValueParser.NotAWholeNumber),
        ("SQL", "1; DROP TABLE \"Passes\";--", MetricValueParser.NotAWholeNumber),
        ("spreadsheet formula", "=1+2", MetricValueParser.NotAWholeNumber),
        ("10,000 digits", new string('9', 10_000), MetricValueParser.TooLarge),
    ];

    /// <summary>Inputs that are not numbers but are not errors either: the form reads them as a value or as "not reported".</summary>
    private static readonly (string Name, string Text, long? Value)[] Readings =
    [
        ("empty", "", null),
        ("spaces only", "   ", null),
        ("tabs and newlines only", "\t\n", null),
        ("padded with spaces", "  1,234  ", 1234),
        ("leading zeros", "007", 7),
        ("long.MaxValue", "9,223,372,036,854,775,807", long.MaxValue),
    ];

    private static readonly string TenThousand = new('x', 10_000);

    private static readonly (string Name, Action<EntryFormModel> Fill, string Error)[] Notes =
    [
        ("10,000-character public note", f => f.PublicNote = TenThousand, "A note can be at most 4,000 characters."),
        ("10,000-character private note", f => f.PrivateNote = TenThousand, "A note can be at most 4,000 characters."),
        ("4,001-character public note", f => f.PublicNote = new string('n', 4001), "A note can be at most 4,000 characters."),
        ("NUL in a public note", f => f.PublicNote = "read at noon\0", EntryFormValidator.NoControlCharacters),
        ("NUL in a private note", f => f.PrivateNote = "\0", EntryFormValidator.NoControlCharacters),
        ("escape character in a note", f => f.PublicNote = "\u001B[31mred", EntryFormValidator.NoControlCharacters),
        ("right-to-left override in a public note", f => f.PublicNote = "total \u202E0001", EntryFormValidator.NoControlCharacters),
        ("right-to-left isolate in a private note", f => f.PrivateNote = "\u2067abc\u2069", EntryFormValidator.NoControlCharacters),
        ("source time in words", f => f.SourceUpdatedAt = "yesterday", EntryFormValidator.NotASourceTime),
        ("source time on 2020-02-30", f => f.SourceUpdatedAt = "2020-02-30T10:00", EntryFormValidator.NotASourceTime),
        ("source time with SQL", f => f.SourceUpdatedAt = "' OR 1=1 --", EntryFormValidator.NotASourceTime),
        ("source time of 10,000 characters", f => f.SourceUpdatedAt = TenThousand, EntryFormValidator.NotASourceTime),
        ("source time with NUL", f => f.SourceUpdatedAt = "2020-11-14T10:00\0", EntryFormValidator.NotASourceTime),
    ];

    private static readonly (string Name, Func<DraftContent> Build, string Error)[] Drafts =
    [
        ("draft field of 10,000 characters", () => DraftWith(new string('9', 10_000)), "has more than 64 characters"),
        ("draft field with NUL", () => DraftWith("12\0"), PassDraft.NoNul),
        ("draft public note with NUL", () => DraftWith("1") with { PublicNote = "a\0b" }, PassDraft.NoNul),
        ("draft private note of 10,000 characters", () => DraftWith("1") with { PrivateNote = TenThousand }, "a note can be at most 4,000 characters"),
        ("draft source time of 10,000 characters", () => DraftWith("1") with { SourceUpdatedAt = TenThousand }, "not a date and time"),
        ("draft source time with NUL", () => DraftWith("1") with { SourceUpdatedAt = "\0" }, PassDraft.NoNul),
    ];

    public static IEnumerable<HostileCase> Cases() =>
        Values.Select(v => new HostileCase(Group, v.Name, $"refused on submit: \"{v.Error}\""))
            .Concat(Readings.Select(r => new HostileCase(Group, r.Name, r.Value is { } value ? $"read as {value:#,0}" : "read as not reported (empty)")))
            .Concat(Notes.Select(n => new HostileCase(Group, n.Name, $"refused on submit: \"{n.Error}\"")))
            .Concat(Drafts.Select(d => new HostileCase(Group, d.Name, $"draft save refused: \"…{d.Error}…\", the saved draft kept")));

    public static TheoryData<string> ValueNames() => [.. Values.Select(v => v.Name)];

    public static TheoryData<string> ReadingNames() => [.. Readings.Select(r => r.Name)];

    public static TheoryData<string> NoteNames() => [.. Notes.Select(n => n.Name)];

    public static TheoryData<string> DraftNames() => [.. Drafts.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(ValueNames))]
    public async Task AHostileValueIsRefusedOnSubmitAndNothingIsStoredOrLost(string name)
    {
        var (_, text, error) = Values.Single(v => v.Name == name);

        await AssertRefusedAsync(new Dictionary<string, string> { ["positive"] = text, ["death"] = "12" }, _ => { }, error);
    }

    [Theory]
    [MemberData(nameof(ReadingNames))]
    public void AnInputThatIsNotAnErrorIsReadAsAValueOrAsNotReported(string name)
    {
        var (_, text, value) = Readings.Single(r => r.Name == name);

        var parsed = MetricValueParser.Parse(text);

        Assert.Equal((value, (string?)null), (parsed.Value, parsed.Error));
    }

    [Theory]
    [MemberData(nameof(NoteNames))]
    public async Task AHostileNoteOrSourceTimeIsRefusedOnSubmitAndNothingIsStoredOrLost(string name)
    {
        var (_, fill, error) = Notes.Single(n => n.Name == name);

        await AssertRefusedAsync(new Dictionary<string, string> { ["positive"] = "12" }, fill, error);
    }

    [Theory]
    [MemberData(nameof(DraftNames))]
    public async Task AHostileDraftIsRefusedAndTheSavedDraftKept(string name)
    {
        var (_, build, error) = Drafts.Single(d => d.Name == name);
        var before = await CountsAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => fixture.Database.Get<DraftService>().SaveAsync(fixture.EntryId, 1, fixture.Loop.Vera, build(), fromRevision: 1));

        Assert.Contains(error, refused.Message, StringComparison.Ordinal);
        await AssertNothingChangedAsync(before);
    }

    private static DraftContent DraftWith(string positive) =>
        new(new Dictionary<string, string> { ["positive"] = positive }, null, null, null, "positive");

    private async Task AssertRefusedAsync(Dictionary<string, string> texts, Action<EntryFormModel> fill, string error)
    {
        var before = await CountsAsync();
        var service = fixture.Database.Get<EntryService>();
        var form = EntryFormModel.For((await service.GetPassFormAsync(fixture.EntryId, 1, fixture.Loop.Vera)).Metrics);
        foreach (var input in form.Values)
        {
            input.Text = texts.GetValueOrDefault(input.Key);
        }

        fill(form);

        var refused = await Assert.ThrowsAsync<DomainException>(() => service.SubmitAsync(fixture.EntryId, 1, fixture.Loop.Vera, form));

        Assert.Contains(error, refused.Message, StringComparison.Ordinal);
        Assert.EndsWith(".", refused.Message, StringComparison.Ordinal);
        await AssertNothingChangedAsync(before);
    }

    private async Task<string> CountsAsync()
    {
        await using var db = await fixture.Database.DbAsync();
        return await DomainCounts.TakeAsync(db);
    }

    private async Task AssertNothingChangedAsync(string before)
    {
        Assert.Equal(before, await CountsAsync());
        var draft = await fixture.Database.Get<DraftService>().FindAsync(fixture.EntryId, 1, fixture.Loop.Vera);
        Assert.Equal((1, "12,3", "draft words"), (draft!.Revision, draft.Texts["positive"], draft.PublicNote));
        var coles = await fixture.Database.Get<EntryService>().GetPassFormAsync(fixture.EntryId, 2, fixture.Loop.Cole);
        Assert.Equal(500, coles.Submitted!.Values["positive"]);
    }
}
