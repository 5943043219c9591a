namespace CovidEntry.Domain.Metrics;

/// <summary>
/// Every raw metric of the COVID Tracking Project's states history file, in entry order.
/// Derived columns (increases, totalTestResults, hospitalized, positiveScore) are computed, never entered.
/// </summary>
public static class CtpMetricCatalog
{
    public static IReadOnlyList<Metric> All { get; } = Build();

    private static List<Metric> Build()
    {
        var order = 0;
        Metric M(string key, string label, MetricGroup group, MetricKind kind, string v2Path) =>
            new(key, label, group, kind, key, v2Path, order += 10);

        const MetricKind cum = MetricKind.Cumulative;
        const MetricKind cur = MetricKind.Current;
        return
        [
            M("positive", "Cases (confirmed + probable)", MetricGroup.Cases, cum, "cases.total"),
            M("positiveCasesViral", "Confirmed cases (PCR)", MetricGroup.Cases, cum, "cases.confirmed"),

            M("negative", "Negative (people or cases)", MetricGroup.ViralTests, cum, "tests.negative"),
            M("totalTestsViral", "Total PCR tests (specimens)", MetricGroup.ViralTests, cum, "tests.pcr.total"),
            M("positiveTestsViral", "Positive PCR tests (specimens)", MetricGroup.ViralTests, cum, "tests.pcr.specimens.positive"),
            M("negativeTestsViral", "Negative PCR tests (specimens)", MetricGroup.ViralTests, cum, "tests.pcr.specimens.negative"),
            M("totalTestsPeopleViral", "Total PCR tests (people)", MetricGroup.ViralTests, cum, "tests.pcr.people.total"),
            M("totalTestEncountersViral", "Total PCR tests (test encounters)", MetricGroup.ViralTests, cum, "tests.pcr.encounters.total"),

            M("totalTestsAntigen", "Total antigen tests (specimens)", MetricGroup.AntigenTests, cum, "tests.antigen.specimens.total"),
            M("positiveTestsAntigen", "Positive antigen tests (specimens)", MetricGroup.AntigenTests, cum, "tests.antigen.specimens.positive"),
            M("totalTestsPeopleAntigen", "Total antigen tests (people)", MetricGroup.AntigenTests, cum, "tests.antigen.people.total"),
            M("positiveTestsPeopleAntigen", "Positive antigen tests (people)", MetricGroup.AntigenTests, cum, "tests.antigen.people.positive"),

            M("totalTestsAntibody", "Total antibody tests (specimens)", MetricGroup.AntibodyTests, cum, "tests.antibody.specimens.total"),
            M("positiveTestsAntibody", "Positive antibody tests (specimens)", MetricGroup.AntibodyTests, cum, "tests.antibody.specimens.positive"),
            M("negativeTestsAntibody", "Negative antibody tests (specimens)", MetricGroup.AntibodyTests, cum, "tests.antibody.specimens.negative"),
            M("totalTestsPeopleAntibody", "Total antibody tests (people)", MetricGroup.AntibodyTests, cum, "tests.antibody.people.total"),
            M("positiveTestsPeopleAntibody", "Positive antibody tests (people)", MetricGroup.AntibodyTests, cum, "tests.antibody.people.positive"),
            M("negativeTestsPeopleAntibody", "Negative antibody tests (people)", MetricGroup.AntibodyTests, cum, "tests.antibody.people.negative"),

            M("hospitalizedCurrently", "Currently hospitalized", MetricGroup.Hospital, cur, "outcomes.hospitalized.currently"),
            M("hospitalizedCumulative", "Cumulative hospitalized", MetricGroup.Hospital, cum, "outcomes.hospitalized.total"),
            M("inIcuCurrently", "Currently in ICU", MetricGroup.Hospital, cur, "outcomes.hospitalized.in_icu.currently"),
            M("inIcuCumulative", "Cumulative in ICU", MetricGroup.Hospital, cum, "outcomes.hospitalized.in_icu.total"),
            M("onVentilatorCurrently", "Currently on ventilator", MetricGroup.Hospital, cur, "outcomes.hospitalized.on_ventilator.currently"),
            M("onVentilatorCumulative", "Cumulative on ventilator", MetricGroup.Hospital, cum, "outcomes.hospitalized.on_ventilator.total"),

            M("death", "Deaths (confirmed + probable)", MetricGroup.Outcomes, cum, "outcomes.death.total"),
            M("deathConfirmed", "Confirmed deaths", MetricGroup.Outcomes, cum, "outcomes.death.confirmed"),
            M("deathProbable", "Probable deaths", MetricGroup.Outcomes, cum, "outcomes.death.probable"),
            M("recovered", "Recovered", MetricGroup.Outcomes, cum, "outcomes.recovered"),
        ];
    }
}
