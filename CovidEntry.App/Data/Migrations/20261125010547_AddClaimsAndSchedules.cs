using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddClaimsAndSchedules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<TimeOnly>(
                name: "ExpectedUpdateUtc",
                table: "Jurisdictions",
                type: "time without time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SourceChangedAtUtc",
                table: "Jurisdictions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "FirstPassClaimedAtUtc",
                table: "Entries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SecondPassClaimedAtUtc",
                table: "Entries",
                type: "timestamp with time zone",
                nullable: true);

            // Passes held before claims had a time count from the upgrade, so none lapses at once.
            migrationBuilder.Sql("UPDATE \"Entries\" SET \"FirstPassClaimedAtUtc\" = now() WHERE \"FirstPassUserId\" IS NOT NULL;");
            migrationBuilder.Sql("UPDATE \"Entries\" SET \"SecondPassClaimedAtUtc\" = now() WHERE \"SecondPassUserId\" IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExpectedUpdateUtc",
                table: "Jurisdictions");

            migrationBuilder.DropColumn(
                name: "SourceChangedAtUtc",
                table: "Jurisdictions");

            migrationBuilder.DropColumn(
                name: "FirstPassClaimedAtUtc",
                table: "Entries");

            migrationBuilder.DropColumn(
                name: "SecondPassClaimedAtUtc",
                table: "Entries");
        }
    }
}
