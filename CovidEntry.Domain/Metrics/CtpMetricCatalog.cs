namespace CovidEntry.Domain.Metrics;

/// <summary>
/// Every raw metric of the COVID Tracking Project's states history file, in entry order.
/// Derived columns (increases, totalTestResults, hospitalized, positiveScore) are computed, never entered.
/// The wholes named after a metric's v2 path are those it is part of (a part larger than its whole warns).
/// This seeds a new database only: once seeded, the catalog is the admins' (docs/decisions/035).
/// </summary>
public static class CtpMetricCatalog
{
    public static IReadOnlyList<Metric> All { get; } = Build();

    private static List<Metric> Build()
    {
        var order = 0;
        Metric M(string key, string label, MetricGroup group, MetricKind kind, string v2Path, params string[] partOf) =>
            new(key, label, group, kind, key, v2Path, order += 10, partOf: partOf);

        const MetricKind cum = MetricKind.Cumulative;
        const MetricKind cur = MetricKind.Current;
        return
        [
            M("positive", "Cases (confirmed + probable)", MetricGroup.Cases, cum, "cases.total"),
            M("positiveCasesViral", "Confirmed cases (PCR)", MetricGroup.Cases, cum, "cases.confirmed", "positive"),

            M("negative", "Negative (people or cases)", MetricGroup.ViralTests, cum, "tests.negative"),
            M("totalTestsViral", "Total PCR tests (specimens)", MetricGroup.ViralTests, cum, "tests.pcr.total"),
            M("positiveTestsViral", "Positive PCR tests (specimens)", MetricGroup.ViralTests, cum, "tests.pcr.specimens.positive", "totalTestsViral"),
            M("negativeTestsViral", "Negative PCR tests (specimens)", MetricGroup.ViralTests, cum, "tests.pcr.specimens.negative", "totalTestsViral"),
            M("totalTestsPeopleViral", "Total PCR tests (people)", MetricGroup.ViralTests, cum, "tests.pcr.people.total"),
            M("totalTestEncountersViral", "Total PCR tests (test encounters)", MetricGroup.ViralTests, cum, "tests.pcr.encounters.total"),

            M("totalTestsAntigen", "Total antigen tests (specimens)", MetricGroup.AntigenTests, cum, "tests.antigen.specimens.total"),
            M("positiveTestsAntigen", "Positive antigen tests (specimens)", MetricGroup.AntigenTests, cum, "tests.antigen.specimens.positive", "totalTestsAntigen"),
            M("totalTestsPeopleAntigen", "Total antigen tests (people)", MetricGroup.AntigenTests, cum, "tests.antigen.people.total"),
            M("positiveTestsPeopleAntigen", "Positive antigen tests (people)", MetricGroup.AntigenTests, cum, "tests.antigen.people.positive", "totalTestsPeopleAntigen"),

            M("totalTestsAntibody", "Total antibody tests (specimens)", MetricGroup.AntibodyTests, cum, "tests.antibody.specimens.total"),
            M("positiveTestsAntibody", "Positive antibody tests (specimens)", MetricGroup.AntibodyTests, cum, "tests.antibody.specimens.positive", "totalTestsAntibody"),
            M("negativeTestsAntibody", "Negative antibody tests (specimens)", MetricGroup.AntibodyTests, cum, "tests.antibody.specimens.negative", "totalTestsAntibody"),
            M("totalTestsPeopleAntibody", "Total antibody tests (people)", MetricGroup.AntibodyTests, cum, "tests.antibody.people.total"),
            M("positiveTestsPeopleAntibody", "Positive antibody tests (people)", MetricGroup.AntibodyTests, cum, "tests.antibody.people.positive", "totalTestsPeopleAntibody"),
            M("negativeTestsPeopleAntibody", "Negative antibody tests (people)", MetricGroup.AntibodyTests, cum, "tests.antibody.people.negative", "totalTestsPeopleAntibody"),

            M("hospitalizedCurrently", "Currently hospitalized", MetricGroup.Hospital, cur, "outcomes.hospitalized.currently", "hospitalizedCumulative"),
            M("hospitalizedCumulative", "Cumulative hospitalized", MetricGroup.Hospital, cum, "outcomes.hospitalized.total"),
            M("inIcuCurrently", "Currently in ICU", MetricGroup.Hospital, cur, "outcomes.hospitalized.in_icu.currently", "inIcuCumulative", "hospitalizedCurrently"),
            M("inIcuCumulative", "Cumulative in ICU", MetricGroup.Hospital, cum, "outcomes.hospitalized.in_icu.total"),
            M("onVentilatorCurrently", "Currently on ventilator", MetricGroup.Hospital, cur, "outcomes.hospitalized.on_ventilator.currently", "onVentilatorCumulative"),
            M("onVentilatorCumulative", "Cumulative on ventilator", MetricGroup.Hospital, cum, "outcomes.hospitalized.on_ventilator.total"),

            M("death", "Deaths (confirmed + probable)", MetricGroup.Outcomes, cum, "outcomes.death.total"),
            M("deathConfirmed", "Confirmed deaths", MetricGroup.Outcomes, cum, "outcomes.death.confirmed", "death"),
            M("deathProbable", "Probable deaths", MetricGroup.Outcomes, cum, "outcomes.death.probable", "death"),
            M("recovered", "Recovered", MetricGroup.Outcomes, cum, "outcomes.recovered"),
        ];
    }
}
