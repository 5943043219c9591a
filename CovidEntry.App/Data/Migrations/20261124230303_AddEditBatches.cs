using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddEditBatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "EditFrom",
                table: "Batches",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EditJurisdictionCode",
                table: "Batches",
                type: "character(2)",
                fixedLength: true,
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "EditTo",
                table: "Batches",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Link",
                table: "Batches",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EditedCells",
                columns: table => new
                {
                    JurisdictionCode = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    DataDate = table.Column<DateOnly>(type: "date", nullable: false),
                    MetricKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    BatchId = table.Column<Guid>(type: "uuid", nullable: false),
                    Previous = table.Column<long>(type: "bigint", nullable: true),
                    Value = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EditedCells", x => new { x.BatchId, x.JurisdictionCode, x.DataDate, x.MetricKey });
                    table.CheckConstraint("CK_EditedCells_Value", "\"Value\" IS NULL OR \"Value\" >= 0");
                    table.ForeignKey(
                        name: "FK_EditedCells_Batches_BatchId",
                        column: x => x.BatchId,
                        principalTable: "Batches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Batches_EditJurisdictionCode",
                table: "Batches",
                column: "EditJurisdictionCode");

            migrationBuilder.CreateIndex(
                name: "IX_Batches_Kind_Status",
                table: "Batches",
                columns: new[] { "Kind", "Status" });

            migrationBuilder.AddForeignKey(
                name: "FK_Batches_Jurisdictions_EditJurisdictionCode",
                table: "Batches",
                column: "EditJurisdictionCode",
                principalTable: "Jurisdictions",
                principalColumn: "Code",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Batches_Jurisdictions_EditJurisdictionCode",
                table: "Batches");

            migrationBuilder.DropTable(
                name: "EditedCells");

            migrationBuilder.DropIndex(
                name: "IX_Batches_EditJurisdictionCode",
                table: "Batches");

            migrationBuilder.DropIndex(
                name: "IX_Batches_Kind_Status",
                table: "Batches");

            migrationBuilder.DropColumn(
                name: "EditFrom",
                table: "Batches");

            migrationBuilder.DropColumn(
                name: "EditJurisdictionCode",
                table: "Batches");

            migrationBuilder.DropColumn(
                name: "EditTo",
                table: "Batches");

            migrationBuilder.DropColumn(
                name: "Link",
                table: "Batches");
        }
    }
}
