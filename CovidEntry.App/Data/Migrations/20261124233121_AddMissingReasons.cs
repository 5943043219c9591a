using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddMissingReasons : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MissingReason",
                table: "ValueVersions",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MissingReason",
                table: "LatestValues",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Missing",
                table: "EditedCells",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreviousMissing",
                table: "EditedCells",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddCheckConstraint(
                name: "CK_ValueVersions_MissingReason",
                table: "ValueVersions",
                sql: "\"MissingReason\" IS NULL OR \"Value\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "CK_ValueVersions_MissingReason",
                table: "ValueVersions");

            migrationBuilder.DropColumn(
                name: "MissingReason",
                table: "ValueVersions");

            migrationBuilder.DropColumn(
                name: "MissingReason",
                table: "LatestValues");

            migrationBuilder.DropColumn(
                name: "Missing",
                table: "EditedCells");

            migrationBuilder.DropColumn(
                name: "PreviousMissing",
                table: "EditedCells");
        }
    }
}
