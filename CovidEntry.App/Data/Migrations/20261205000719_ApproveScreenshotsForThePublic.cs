using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class ApproveScreenshotsForThePublic : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ScreenshotApprovals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ScreenshotId = table.Column<Guid>(type: "uuid", nullable: false),
                    ApprovedByUserId = table.Column<string>(type: "text", nullable: false),
                    ApprovedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScreenshotApprovals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScreenshotApprovals_AspNetUsers_ApprovedByUserId",
                        column: x => x.ApprovedByUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ScreenshotApprovals_Screenshots_ScreenshotId",
                        column: x => x.ScreenshotId,
                        principalTable: "Screenshots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ValueVersions_ScreenshotId",
                table: "ValueVersions",
                column: "ScreenshotId",
                filter: "\"ScreenshotId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ScreenshotApprovals_ApprovedByUserId",
                table: "ScreenshotApprovals",
                column: "ApprovedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_ScreenshotApprovals_ScreenshotId",
                table: "ScreenshotApprovals",
                column: "ScreenshotId",
                unique: true);

            // Approvals are a lead's word on the record: like the screenshots they are about, the
            // database refuses to change or remove them (the function comes from AddScreenshots).
            migrationBuilder.Sql(@"
CREATE TRIGGER ""ScreenshotApprovals_immutable"" BEFORE UPDATE OR DELETE ON ""ScreenshotApprovals""
    FOR EACH ROW EXECUTE FUNCTION refuse_screenshot_change();
CREATE TRIGGER ""ScreenshotApprovals_no_truncate"" BEFORE TRUNCATE ON ""ScreenshotApprovals""
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_screenshot_change();
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS ""ScreenshotApprovals_no_truncate"" ON ""ScreenshotApprovals"";
DROP TRIGGER IF EXISTS ""ScreenshotApprovals_immutable"" ON ""ScreenshotApprovals"";");

            migrationBuilder.DropTable(
                name: "ScreenshotApprovals");

            migrationBuilder.DropIndex(
                name: "IX_ValueVersions_ScreenshotId",
                table: "ValueVersions");
        }
    }
}
