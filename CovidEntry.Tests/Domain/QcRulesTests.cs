using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Quality;

namespace CovidEntry.Tests.Domain;

public class QcRulesTests
{
    private static readonly DateOnly Day = new(2020, 11, 14);
    private static readonly DateTime Now = new(2020, 11, 14, 20, 0, 0, DateTimeKind.Utc);

    private static readonly Dictionary<string, MetricKind> Kinds = CtpMetricCatalog.All.ToDictionary(m => m.Key, m => m.Kind);
    private static readonly IReadOnlyList<(string Part, string Whole)> Parts = Metric.PartsOfWholes(CtpMetricCatalog.All);

    private static IReadOnlyList<QcWarning> Check(Dictionary<string, long?> values, IReadOnlyList<PublishedDay>? recent = null,
        DateTime? source = null, IReadOnlyList<MutedWarning>? mutedWarnings = null, QcSettings? settings = null) =>
        QcRules.Evaluate(new QcInput("NY", Day, values, Kinds, recent ?? [], source, Now, Parts), settings ?? new QcSettings(), mutedWarnings ?? []);

    /// <summary>Days before <see cref="Day"/>, oldest first, each with the given values.</summary>
    private static List<PublishedDay> Days(params Dictionary<string, long?>[] values) =>
        values.Select((v, i) => new PublishedDay(Day.AddDays(i - values.Length), v)).ToList();

    [Fact]
    public void ARunningTotalBelowThePreviousPublishedDayWarnsButACurrentCountMayFall()
    {
        var recent = Days(new Dictionary<string, long?> { ["positive"] = 1200, ["hospitalizedCurrently"] = 300 });

        var warning = Assert.Single(Check(new() { ["positive"] = 1000, ["hospitalizedCurrently"] = 250 }, recent));

        Assert.Equal((QcRule.CumulativeDecrease, "positive"), (warning.Rule, warning.Field));
        Assert.Equal("positive is 1,000, lower than the 1,200 published for 2020-11-13; a running total should not fall.", warning.Message);
    }

    [Fact]
    public void APartLargerThanItsWholeWarns()
    {
        var warnings = Check(new() { ["positive"] = 100, ["positiveCasesViral"] = 120, ["hospitalizedCurrently"] = 50, ["hospitalizedCumulative"] = 40 });

        Assert.Equal(["PartExceedsWhole:positiveCasesViral", "PartExceedsWhole:hospitalizedCurrently"], warnings.Select(w => w.Key));
        Assert.Equal("positiveCasesViral (120) is larger than positive (100), which it is part of.", warnings[0].Message);
    }

    [Fact]
    public void DeathsWarnOnlyWhenAllThreeArePresentAndDoNotAddUp()
    {
        Assert.Empty(Check(new() { ["death"] = 100, ["deathConfirmed"] = 90, ["deathProbable"] = 10 }));
        Assert.Empty(Check(new() { ["death"] = 100, ["deathConfirmed"] = 90, ["deathProbable"] = null }));

        var warning = Assert.Single(Check(new() { ["death"] = 100, ["deathConfirmed"] = 90, ["deathProbable"] = 5 }));
        Assert.Equal((QcRule.PartsDoNotAddUp, "deathConfirmed + deathProbable = 95, but death is 100."), (warning.Rule, warning.Message));
    }

    [Fact]
    public void AnIncreaseFarAboveItsSevenDayAverageWarns()
    {
        // Up about 100 a day for a week.
        var recent = Days(Enumerable.Range(0, 8).Select(i => new Dictionary<string, long?> { ["positive"] = 1000 + (i * 100L) }).ToArray());
        var yesterday = 1700L;

        Assert.Empty(Check(new() { ["positive"] = yesterday + 250 }, recent));
        var spike = Assert.Single(Check(new() { ["positive"] = yesterday + 301 }, recent));
        Assert.Equal((QcRule.Spike, "positive"), (spike.Rule, spike.Field));
        Assert.Equal("positive rose by 301, more than 3 times its 7-day average increase of 100.", spike.Message);
        Assert.Empty(Check(new() { ["positive"] = yesterday + 301 }, recent, settings: new QcSettings { SpikeFactor = 4 }));
    }

    [Fact]
    public void SmallCountsDoNotCryWolfAndASpikeNeedsYesterdayPublished()
    {
        var small = Days(Enumerable.Range(0, 8).Select(i => new Dictionary<string, long?> { ["death"] = 10 + i }).ToArray());
        Assert.Empty(Check(new() { ["death"] = 17 + 40 }, small));

        var gap = Days(Enumerable.Range(0, 8).Select(i => new Dictionary<string, long?> { ["positive"] = 1000 + (i * 100L) }).ToArray())
            .Where(d => d.DataDate != Day.AddDays(-1)).ToList();
        Assert.Empty(Check(new() { ["positive"] = 5000 }, gap));
    }

    [Fact]
    public void AMetricUnchangedForDaysWhileOthersMovedWarns()
    {
        var recent = Days(Enumerable.Range(0, 5).Select(i => new Dictionary<string, long?> { ["positive"] = 1000 + (i * 100L), ["death"] = 42 }).ToArray());

        var warning = Assert.Single(Check(new() { ["positive"] = 1600, ["death"] = 42 }, recent));
        Assert.Equal((QcRule.Unchanged, "death"), (warning.Rule, warning.Field));
        Assert.Equal("death has been 42 for 6 days while other numbers moved.", warning.Message);

        // When nothing moved, the source simply did not update: no warning about one metric.
        var still = Days(Enumerable.Range(0, 5).Select(_ => new Dictionary<string, long?> { ["positive"] = 1000, ["death"] = 42 }).ToArray());
        Assert.Empty(Check(new() { ["positive"] = 1000, ["death"] = 42 }, still));
    }

    [Fact]
    public void ASourceTimeOlderThanADayOrInTheFutureWarns()
    {
        Assert.Empty(Check([], source: Now.AddHours(-23)));
        Assert.Empty(Check([], source: Now.AddMinutes(5)));
        Assert.Equal(QcRule.SourceStale, Assert.Single(Check([], source: Now.AddHours(-25))).Rule);
        var future = Assert.Single(Check([], source: Now.AddHours(2)));
        Assert.Equal((QcRule.SourceInFuture, QcWarning.SourceField), (future.Rule, future.Field));
    }

    [Fact]
    public void AMutedWarningMutesItsRuleForItsJurisdictionMetricAndDatesOnly()
    {
        var values = new Dictionary<string, long?> { ["positive"] = 100, ["positiveCasesViral"] = 120, ["hospitalizedCurrently"] = 50, ["hospitalizedCumulative"] = 40 };
        MutedWarning Mute(string code, string? metric, DateOnly until) =>
            new(code, metric, QcRule.PartExceedsWhole, until, "NY counts confirmed cases from another system", "lead", Now);

        Assert.Equal(["PartExceedsWhole:hospitalizedCurrently"], Check(values, mutedWarnings: [Mute("NY", "positiveCasesViral", Day)]).Select(w => w.Key));
        Assert.Empty(Check(values, mutedWarnings: [Mute("NY", null, Day)]));
        Assert.Equal(2, Check(values, mutedWarnings: [Mute("NY", null, Day.AddDays(-1))]).Count);
        Assert.Equal(2, Check(values, mutedWarnings: [Mute("NJ", null, Day)]).Count);
        Assert.Throws<DomainException>(() => new MutedWarning("NY", null, QcRule.Spike, Day, " ", "lead", Now));
    }

    [Fact]
    public void APassWithWarningsIsSubmittedOnlyWithAReasonForEachAndKeepsThem()
    {
        var entry = Batch.Daily(Day, ["NY"], "lena", Now).Entries.Single();
        entry.Assign(1, "vera");
        var warning = new QcWarning(QcRule.PartExceedsWhole, "positiveCasesViral", "positiveCasesViral (120) is larger than positive (100), which it is part of.");
        var values = new Dictionary<string, long?> { ["positive"] = 100, ["positiveCasesViral"] = 120 };

        var none = Assert.Throws<DomainException>(() => entry.SubmitPass(1, "vera", values, null, null, null, [warning], new Dictionary<string, WarningAnswer>(), Now));
        var other = Assert.Throws<DomainException>(() => entry.SubmitPass(1, "vera", values, null, null, null, [warning],
            new Dictionary<string, WarningAnswer> { [warning.Key] = new(WarningReason.Other, " ") }, Now));
        Assert.Contains("Give a reason for each warning", none.Message);
        Assert.Contains("say what in its note", other.Message);
        Assert.Empty(entry.Passes);

        entry.SubmitPass(1, "vera", values, null, null, null, [warning],
            new Dictionary<string, WarningAnswer> { [warning.Key] = new(WarningReason.DefinitionChange, " PCR from the lab feed ") }, Now);

        var kept = Assert.Single(entry.FirstPass!.Warnings);
        Assert.Equal((QcRule.PartExceedsWhole, "positiveCasesViral", WarningReason.DefinitionChange, "PCR from the lab feed"), (kept.Rule, kept.Field, kept.Reason, kept.Note));
    }
}
