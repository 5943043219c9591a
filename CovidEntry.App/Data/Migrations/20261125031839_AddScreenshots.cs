using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddScreenshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ScreenshotId",
                table: "ValueVersions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RegionHeight",
                table: "PassValues",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RegionWidth",
                table: "PassValues",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RegionX",
                table: "PassValues",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RegionY",
                table: "PassValues",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ScreenshotId",
                table: "PassValues",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Evidence",
                table: "PassDrafts",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<Guid>(
                name: "ScreenshotId",
                table: "LatestValues",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<List<TimeOnly>>(
                name: "CaptureTimesUtc",
                table: "JurisdictionSources",
                type: "time without time zone[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<List<string>>(
                name: "ClickSelectors",
                table: "JurisdictionSources",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<string>(
                name: "ElementSelector",
                table: "JurisdictionSources",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "HideSelectors",
                table: "JurisdictionSources",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<int>(
                name: "ViewportHeight",
                table: "JurisdictionSources",
                type: "integer",
                nullable: false,
                defaultValue: 900);

            migrationBuilder.AddColumn<int>(
                name: "ViewportWidth",
                table: "JurisdictionSources",
                type: "integer",
                nullable: false,
                defaultValue: 1280);

            migrationBuilder.AddColumn<string>(
                name: "WaitForSelector",
                table: "JurisdictionSources",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "WaitMilliseconds",
                table: "JurisdictionSources",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "ImageBlobs",
                columns: table => new
                {
                    Sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Width = table.Column<int>(type: "integer", nullable: false),
                    Height = table.Column<int>(type: "integer", nullable: false),
                    ByteCount = table.Column<long>(type: "bigint", nullable: false),
                    Thumbnail = table.Column<byte[]>(type: "bytea", nullable: false),
                    ThumbnailContentType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StoredAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImageBlobs", x => x.Sha256);
                });

            migrationBuilder.CreateTable(
                name: "Screenshots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    JurisdictionCode = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    SourceId = table.Column<int>(type: "integer", nullable: true),
                    SourceLabel = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Origin = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TakenAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    ByteCount = table.Column<long>(type: "bigint", nullable: false),
                    Width = table.Column<int>(type: "integer", nullable: false),
                    Height = table.Column<int>(type: "integer", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    HttpStatus = table.Column<int>(type: "integer", nullable: true),
                    FinalUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    PageTitle = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    DurationMs = table.Column<int>(type: "integer", nullable: true),
                    UploadedByUserId = table.Column<string>(type: "text", nullable: true),
                    FirstSeenAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Screenshots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Screenshots_AspNetUsers_UploadedByUserId",
                        column: x => x.UploadedByUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Screenshots_ImageBlobs_Sha256",
                        column: x => x.Sha256,
                        principalTable: "ImageBlobs",
                        principalColumn: "Sha256",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Screenshots_JurisdictionSources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "JurisdictionSources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Screenshots_Jurisdictions_JurisdictionCode",
                        column: x => x.JurisdictionCode,
                        principalTable: "Jurisdictions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CaptureJobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    JurisdictionCode = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    SourceId = table.Column<int>(type: "integer", nullable: false),
                    Origin = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SlotUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RequestedByUserId = table.Column<string>(type: "text", nullable: true),
                    RequestedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Tries = table.Column<int>(type: "integer", nullable: false),
                    StartedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FinishedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ScreenshotId = table.Column<Guid>(type: "uuid", nullable: true),
                    HttpStatus = table.Column<int>(type: "integer", nullable: true),
                    FinalUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    DurationMs = table.Column<int>(type: "integer", nullable: true),
                    LeaseUntilUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaptureJobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CaptureJobs_AspNetUsers_RequestedByUserId",
                        column: x => x.RequestedByUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_CaptureJobs_JurisdictionSources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "JurisdictionSources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CaptureJobs_Jurisdictions_JurisdictionCode",
                        column: x => x.JurisdictionCode,
                        principalTable: "Jurisdictions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CaptureJobs_Screenshots_ScreenshotId",
                        column: x => x.ScreenshotId,
                        principalTable: "Screenshots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PassValues_ScreenshotId",
                table: "PassValues",
                column: "ScreenshotId");

            migrationBuilder.CreateIndex(
                name: "IX_CaptureJobs_JurisdictionCode_RequestedAtUtc",
                table: "CaptureJobs",
                columns: new[] { "JurisdictionCode", "RequestedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_CaptureJobs_RequestedAtUtc",
                table: "CaptureJobs",
                column: "RequestedAtUtc",
                filter: "\"State\" IN ('Pending', 'Running')");

            migrationBuilder.CreateIndex(
                name: "IX_CaptureJobs_RequestedByUserId",
                table: "CaptureJobs",
                column: "RequestedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_CaptureJobs_ScreenshotId",
                table: "CaptureJobs",
                column: "ScreenshotId");

            migrationBuilder.CreateIndex(
                name: "IX_CaptureJobs_SourceId_SlotUtc",
                table: "CaptureJobs",
                columns: new[] { "SourceId", "SlotUtc" },
                unique: true,
                filter: "\"SlotUtc\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Screenshots_JurisdictionCode_TakenAtUtc",
                table: "Screenshots",
                columns: new[] { "JurisdictionCode", "TakenAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Screenshots_Sha256",
                table: "Screenshots",
                column: "Sha256");

            migrationBuilder.CreateIndex(
                name: "IX_Screenshots_SourceId_TakenAtUtc",
                table: "Screenshots",
                columns: new[] { "SourceId", "TakenAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Screenshots_UploadedByUserId",
                table: "Screenshots",
                column: "UploadedByUserId");

            migrationBuilder.AddForeignKey(
                name: "FK_PassValues_Screenshots_ScreenshotId",
                table: "PassValues",
                column: "ScreenshotId",
                principalTable: "Screenshots",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            // Screenshots are evidence: the database refuses to change or remove them or their images.
            migrationBuilder.Sql(@"
CREATE FUNCTION refuse_screenshot_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'screenshots are immutable evidence: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER ""Screenshots_immutable"" BEFORE UPDATE OR DELETE ON ""Screenshots""
    FOR EACH ROW EXECUTE FUNCTION refuse_screenshot_change();
CREATE TRIGGER ""Screenshots_no_truncate"" BEFORE TRUNCATE ON ""Screenshots""
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_screenshot_change();
CREATE TRIGGER ""ImageBlobs_immutable"" BEFORE UPDATE OR DELETE ON ""ImageBlobs""
    FOR EACH ROW EXECUTE FUNCTION refuse_screenshot_change();
CREATE TRIGGER ""ImageBlobs_no_truncate"" BEFORE TRUNCATE ON ""ImageBlobs""
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_screenshot_change();
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS ""ImageBlobs_no_truncate"" ON ""ImageBlobs"";
DROP TRIGGER IF EXISTS ""ImageBlobs_immutable"" ON ""ImageBlobs"";
DROP TRIGGER IF EXISTS ""Screenshots_no_truncate"" ON ""Screenshots"";
DROP TRIGGER IF EXISTS ""Screenshots_immutable"" ON ""Screenshots"";
DROP FUNCTION IF EXISTS refuse_screenshot_change();");

            migrationBuilder.DropForeignKey(
                name: "FK_PassValues_Screenshots_ScreenshotId",
                table: "PassValues");

            migrationBuilder.DropTable(
                name: "CaptureJobs");

            migrationBuilder.DropTable(
                name: "Screenshots");

            migrationBuilder.DropTable(
                name: "ImageBlobs");

            migrationBuilder.DropIndex(
                name: "IX_PassValues_ScreenshotId",
                table: "PassValues");

            migrationBuilder.DropColumn(
                name: "ScreenshotId",
                table: "ValueVersions");

            migrationBuilder.DropColumn(
                name: "RegionHeight",
                table: "PassValues");

            migrationBuilder.DropColumn(
                name: "RegionWidth",
                table: "PassValues");

            migrationBuilder.DropColumn(
                name: "RegionX",
                table: "PassValues");

            migrationBuilder.DropColumn(
                name: "RegionY",
                table: "PassValues");

            migrationBuilder.DropColumn(
                name: "ScreenshotId",
                table: "PassValues");

            migrationBuilder.DropColumn(
                name: "Evidence",
                table: "PassDrafts");

            migrationBuilder.DropColumn(
                name: "ScreenshotId",
                table: "LatestValues");

            migrationBuilder.DropColumn(
                name: "CaptureTimesUtc",
                table: "JurisdictionSources");

            migrationBuilder.DropColumn(
                name: "ClickSelectors",
                table: "JurisdictionSources");

            migrationBuilder.DropColumn(
                name: "ElementSelector",
                table: "JurisdictionSources");

            migrationBuilder.DropColumn(
                name: "HideSelectors",
                table: "JurisdictionSources");

            migrationBuilder.DropColumn(
                name: "ViewportHeight",
                table: "JurisdictionSources");

            migrationBuilder.DropColumn(
                name: "ViewportWidth",
                table: "JurisdictionSources");

            migrationBuilder.DropColumn(
                name: "WaitForSelector",
                table: "JurisdictionSources");

            migrationBuilder.DropColumn(
                name: "WaitMilliseconds",
                table: "JurisdictionSources");
        }
    }
}
