using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class MetricCatalogManaged : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "MaxValue",
                table: "Metrics",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MinValue",
                table: "Metrics",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "PartOf",
                table: "Metrics",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.CreateIndex(
                name: "IX_Metrics_V2Path",
                table: "Metrics",
                column: "V2Path",
                unique: true);

            // The "part of" quality rules were a list in code (QcRules.PartsOfWholes); they are
            // catalog data now. An existing catalog gets today's list, so its warnings stay the same.
            migrationBuilder.Sql("""
                UPDATE "Metrics" AS m SET "PartOf" = p.wholes
                FROM (VALUES
                ('positiveCasesViral', ARRAY['positive']),
                ('positiveTestsViral', ARRAY['totalTestsViral']),
                ('negativeTestsViral', ARRAY['totalTestsViral']),
                ('positiveTestsAntigen', ARRAY['totalTestsAntigen']),
                ('positiveTestsPeopleAntigen', ARRAY['totalTestsPeopleAntigen']),
                ('positiveTestsAntibody', ARRAY['totalTestsAntibody']),
                ('negativeTestsAntibody', ARRAY['totalTestsAntibody']),
                ('positiveTestsPeopleAntibody', ARRAY['totalTestsPeopleAntibody']),
                ('negativeTestsPeopleAntibody', ARRAY['totalTestsPeopleAntibody']),
                ('hospitalizedCurrently', ARRAY['hospitalizedCumulative']),
                ('inIcuCurrently', ARRAY['inIcuCumulative', 'hospitalizedCurrently']),
                ('onVentilatorCurrently', ARRAY['onVentilatorCumulative']),
                ('deathConfirmed', ARRAY['death']),
                ('deathProbable', ARRAY['death'])
                ) AS p(key, wholes)
                WHERE m."Key" = p.key;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Metrics_V2Path",
                table: "Metrics");

            migrationBuilder.DropColumn(
                name: "MaxValue",
                table: "Metrics");

            migrationBuilder.DropColumn(
                name: "MinValue",
                table: "Metrics");

            migrationBuilder.DropColumn(
                name: "PartOf",
                table: "Metrics");
        }
    }
}
