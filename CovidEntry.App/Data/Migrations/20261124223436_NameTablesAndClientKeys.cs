using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class NameTablesAndClientKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_JurisdictionSource_Jurisdictions_JurisdictionCode",
                table: "JurisdictionSource");

            migrationBuilder.DropForeignKey(
                name: "FK_Pass_AspNetUsers_UserId",
                table: "Pass");

            migrationBuilder.DropForeignKey(
                name: "FK_Pass_Entries_EntryId",
                table: "Pass");

            migrationBuilder.DropForeignKey(
                name: "FK_PassValues_Pass_PassId",
                table: "PassValues");

            migrationBuilder.DropPrimaryKey(
                name: "PK_Pass",
                table: "Pass");

            migrationBuilder.DropPrimaryKey(
                name: "PK_JurisdictionSource",
                table: "JurisdictionSource");

            migrationBuilder.RenameTable(
                name: "Pass",
                newName: "Passes");

            migrationBuilder.RenameTable(
                name: "JurisdictionSource",
                newName: "JurisdictionSources");

            migrationBuilder.RenameIndex(
                name: "IX_Pass_UserId",
                table: "Passes",
                newName: "IX_Passes_UserId");

            migrationBuilder.RenameIndex(
                name: "IX_Pass_EntryId_Number",
                table: "Passes",
                newName: "IX_Passes_EntryId_Number");

            migrationBuilder.RenameIndex(
                name: "IX_JurisdictionSource_JurisdictionCode",
                table: "JurisdictionSources",
                newName: "IX_JurisdictionSources_JurisdictionCode");

            migrationBuilder.AddPrimaryKey(
                name: "PK_Passes",
                table: "Passes",
                column: "Id");

            migrationBuilder.AddPrimaryKey(
                name: "PK_JurisdictionSources",
                table: "JurisdictionSources",
                column: "Id");

            migrationBuilder.AddForeignKey(
                name: "FK_JurisdictionSources_Jurisdictions_JurisdictionCode",
                table: "JurisdictionSources",
                column: "JurisdictionCode",
                principalTable: "Jurisdictions",
                principalColumn: "Code",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_Passes_AspNetUsers_UserId",
                table: "Passes",
                column: "UserId",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Passes_Entries_EntryId",
                table: "Passes",
                column: "EntryId",
                principalTable: "Entries",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_PassValues_Passes_PassId",
                table: "PassValues",
                column: "PassId",
                principalTable: "Passes",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_JurisdictionSources_Jurisdictions_JurisdictionCode",
                table: "JurisdictionSources");

            migrationBuilder.DropForeignKey(
                name: "FK_Passes_AspNetUsers_UserId",
                table: "Passes");

            migrationBuilder.DropForeignKey(
                name: "FK_Passes_Entries_EntryId",
                table: "Passes");

            migrationBuilder.DropForeignKey(
                name: "FK_PassValues_Passes_PassId",
                table: "PassValues");

            migrationBuilder.DropPrimaryKey(
                name: "PK_Passes",
                table: "Passes");

            migrationBuilder.DropPrimaryKey(
                name: "PK_JurisdictionSources",
                table: "JurisdictionSources");

            migrationBuilder.RenameTable(
                name: "Passes",
                newName: "Pass");

            migrationBuilder.RenameTable(
                name: "JurisdictionSources",
                newName: "JurisdictionSource");

            migrationBuilder.RenameIndex(
                name: "IX_Passes_UserId",
                table: "Pass",
                newName: "IX_Pass_UserId");

            migrationBuilder.RenameIndex(
                name: "IX_Passes_EntryId_Number",
                table: "Pass",
                newName: "IX_Pass_EntryId_Number");

            migrationBuilder.RenameIndex(
                name: "IX_JurisdictionSources_JurisdictionCode",
                table: "JurisdictionSource",
                newName: "IX_JurisdictionSource_JurisdictionCode");

            migrationBuilder.AddPrimaryKey(
                name: "PK_Pass",
                table: "Pass",
                column: "Id");

            migrationBuilder.AddPrimaryKey(
                name: "PK_JurisdictionSource",
                table: "JurisdictionSource",
                column: "Id");

            migrationBuilder.AddForeignKey(
                name: "FK_JurisdictionSource_Jurisdictions_JurisdictionCode",
                table: "JurisdictionSource",
                column: "JurisdictionCode",
                principalTable: "Jurisdictions",
                principalColumn: "Code",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_Pass_AspNetUsers_UserId",
                table: "Pass",
                column: "UserId",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Pass_Entries_EntryId",
                table: "Pass",
                column: "EntryId",
                principalTable: "Entries",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_PassValues_Pass_PassId",
                table: "PassValues",
                column: "PassId",
                principalTable: "Pass",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
