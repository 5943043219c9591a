using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddPassDrafts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PassDrafts",
                columns: table => new
                {
                    EntryId = table.Column<Guid>(type: "uuid", nullable: false),
                    PassNumber = table.Column<int>(type: "integer", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    SourceUpdatedAt = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PublicNote = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    PrivateNote = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    FocusedField = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SavedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Texts = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PassDrafts", x => new { x.EntryId, x.PassNumber, x.UserId });
                    table.CheckConstraint("CK_PassDrafts_PassNumber", "\"PassNumber\" IN (1, 2)");
                    table.ForeignKey(
                        name: "FK_PassDrafts_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PassDrafts_Entries_EntryId",
                        column: x => x.EntryId,
                        principalTable: "Entries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PassDrafts_UserId",
                table: "PassDrafts",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PassDrafts");
        }
    }
}
