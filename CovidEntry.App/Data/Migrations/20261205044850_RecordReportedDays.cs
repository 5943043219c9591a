using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class RecordReportedDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ReportedDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false, defaultValueSql: "nextval('\"ValueVersions_Id_seq\"')"),
                    JurisdictionCode = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    DataDate = table.Column<DateOnly>(type: "date", nullable: false),
                    BatchId = table.Column<Guid>(type: "uuid", nullable: false),
                    PublishedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReportedDays", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReportedDays_Batches_BatchId",
                        column: x => x.BatchId,
                        principalTable: "Batches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ReportedDays_Jurisdictions_JurisdictionCode",
                        column: x => x.JurisdictionCode,
                        principalTable: "Jurisdictions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ReportedDays_BatchId",
                table: "ReportedDays",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_ReportedDays_DataDate_JurisdictionCode",
                table: "ReportedDays",
                columns: new[] { "DataDate", "JurisdictionCode" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReportedDays_JurisdictionCode",
                table: "ReportedDays",
                column: "JurisdictionCode");

            // A reported day is published history like a version: the database refuses to change or remove one.
            migrationBuilder.Sql(@"
CREATE FUNCTION refuse_reported_day_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reported days are append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER ""ReportedDays_append_only"" BEFORE UPDATE OR DELETE ON ""ReportedDays""
    FOR EACH ROW EXECUTE FUNCTION refuse_reported_day_change();
CREATE TRIGGER ""ReportedDays_no_truncate"" BEFORE TRUNCATE ON ""ReportedDays""
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_reported_day_change();
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS ""ReportedDays_no_truncate"" ON ""ReportedDays"";
DROP TRIGGER IF EXISTS ""ReportedDays_append_only"" ON ""ReportedDays"";
DROP FUNCTION IF EXISTS refuse_reported_day_change();");

            migrationBuilder.DropTable(
                name: "ReportedDays");
        }
    }
}
