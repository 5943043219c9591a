using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddApprovalsAndReturnedPasses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ApprovedAtUtc",
                table: "Entries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ApprovedByUserId",
                table: "Entries",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ReturnedPasses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    SubmittedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Comment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ReturnedByUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    ReturnedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EntryId = table.Column<Guid>(type: "uuid", nullable: false),
                    Values = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReturnedPasses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReturnedPasses_Entries_EntryId",
                        column: x => x.EntryId,
                        principalTable: "Entries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Entries_ApprovedByUserId",
                table: "Entries",
                column: "ApprovedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_ReturnedPasses_EntryId",
                table: "ReturnedPasses",
                column: "EntryId");

            migrationBuilder.AddForeignKey(
                name: "FK_Entries_AspNetUsers_ApprovedByUserId",
                table: "Entries",
                column: "ApprovedByUserId",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Entries_AspNetUsers_ApprovedByUserId",
                table: "Entries");

            migrationBuilder.DropTable(
                name: "ReturnedPasses");

            migrationBuilder.DropIndex(
                name: "IX_Entries_ApprovedByUserId",
                table: "Entries");

            migrationBuilder.DropColumn(
                name: "ApprovedAtUtc",
                table: "Entries");

            migrationBuilder.DropColumn(
                name: "ApprovedByUserId",
                table: "Entries");
        }
    }
}
