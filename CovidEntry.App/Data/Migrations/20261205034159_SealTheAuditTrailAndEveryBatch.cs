using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <summary>
    /// Audit events carry the app's seal and links name the key that sealed them (docs/decisions/030);
    /// each batch records what it wrote (BatchManifests, append-only), and the latest table is kept
    /// by a trigger on the version history instead of by the app (docs/decisions/031).
    /// </summary>
    public partial class SealTheAuditTrailAndEveryBatch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Seal",
                table: "AuditEvents",
                type: "character varying(96)",
                maxLength: 96,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "AuditChain",
                type: "character(16)",
                fixedLength: true,
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "BatchManifests",
                columns: table => new
                {
                    BatchId = table.Column<Guid>(type: "uuid", nullable: false),
                    JurisdictionCode = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    Rows = table.Column<int>(type: "integer", nullable: false),
                    Sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    Lines = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BatchManifests", x => new { x.BatchId, x.JurisdictionCode });
                    table.ForeignKey(
                        name: "FK_BatchManifests_Batches_BatchId",
                        column: x => x.BatchId,
                        principalTable: "Batches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            // A batch's record of what it wrote is history too.
            migrationBuilder.Sql(@"
CREATE TRIGGER ""BatchManifests_append_only"" BEFORE UPDATE OR DELETE ON ""BatchManifests""
    FOR EACH ROW EXECUTE FUNCTION refuse_history_change();
CREATE TRIGGER ""BatchManifests_no_truncate"" BEFORE TRUNCATE ON ""BatchManifests""
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_change();
");

            // The latest table follows the history and nothing else: every statement that adds
            // versions moves it, as the table's owner (the app's role may not write it at all), and
            // refuses a version that does not follow its cell's latest one.
            migrationBuilder.Sql(@"
CREATE FUNCTION keep_latest_values() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM inserted n
        LEFT JOIN ""LatestValues"" l ON l.""JurisdictionCode"" = n.""JurisdictionCode"" AND l.""DataDate"" = n.""DataDate"" AND l.""MetricKey"" = n.""MetricKey""
        WHERE n.""VersionNumber"" <> COALESCE(l.""VersionNumber"", 0) + 1) THEN
        RAISE EXCEPTION 'a new version does not follow the latest version of its cell' USING ERRCODE = 'CE409';
    END IF;
    INSERT INTO ""LatestValues"" (""JurisdictionCode"", ""DataDate"", ""MetricKey"", ""Value"", ""MissingReason"", ""VersionNumber"", ""BatchId"", ""PublishedAtUtc"", ""ScreenshotId"")
    SELECT ""JurisdictionCode"", ""DataDate"", ""MetricKey"", ""Value"", ""MissingReason"", ""VersionNumber"", ""BatchId"", ""PublishedAtUtc"", ""ScreenshotId"" FROM inserted
    ON CONFLICT (""JurisdictionCode"", ""DataDate"", ""MetricKey"") DO UPDATE
        SET ""Value"" = EXCLUDED.""Value"", ""MissingReason"" = EXCLUDED.""MissingReason"", ""VersionNumber"" = EXCLUDED.""VersionNumber"",
            ""BatchId"" = EXCLUDED.""BatchId"", ""PublishedAtUtc"" = EXCLUDED.""PublishedAtUtc"", ""ScreenshotId"" = EXCLUDED.""ScreenshotId"";
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION keep_latest_values() FROM PUBLIC;
CREATE TRIGGER ""ValueVersions_keep_latest"" AFTER INSERT ON ""ValueVersions""
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION keep_latest_values();
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"
DROP TRIGGER ""ValueVersions_keep_latest"" ON ""ValueVersions"";
DROP FUNCTION keep_latest_values();
");

            migrationBuilder.DropTable(
                name: "BatchManifests");

            migrationBuilder.DropColumn(
                name: "Seal",
                table: "AuditEvents");

            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "AuditChain");
        }
    }
}
