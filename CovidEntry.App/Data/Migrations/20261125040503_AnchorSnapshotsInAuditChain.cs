using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class AnchorSnapshotsInAuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AuditHeadHash",
                table: "Snapshots",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AuditHeadId",
                table: "Snapshots",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AuditHeadHash",
                table: "Snapshots");

            migrationBuilder.DropColumn(
                name: "AuditHeadId",
                table: "Snapshots");
        }
    }
}
