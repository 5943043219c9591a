using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddWarningsAndSuppressions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Answers",
                table: "PassDrafts",
                type: "jsonb",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "PassWarnings",
                columns: table => new
                {
                    Rule = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Field = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PassId = table.Column<Guid>(type: "uuid", nullable: false),
                    Message = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PassWarnings", x => new { x.PassId, x.Rule, x.Field });
                    table.ForeignKey(
                        name: "FK_PassWarnings_Passes_PassId",
                        column: x => x.PassId,
                        principalTable: "Passes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Suppressions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    JurisdictionCode = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    MetricKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Rule = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UntilDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    CreatedByUserId = table.Column<string>(type: "text", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Suppressions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Suppressions_AspNetUsers_CreatedByUserId",
                        column: x => x.CreatedByUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Suppressions_Jurisdictions_JurisdictionCode",
                        column: x => x.JurisdictionCode,
                        principalTable: "Jurisdictions",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Suppressions_CreatedByUserId",
                table: "Suppressions",
                column: "CreatedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_Suppressions_JurisdictionCode_UntilDate",
                table: "Suppressions",
                columns: new[] { "JurisdictionCode", "UntilDate" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PassWarnings");

            migrationBuilder.DropTable(
                name: "Suppressions");

            migrationBuilder.DropColumn(
                name: "Answers",
                table: "PassDrafts");
        }
    }
}
