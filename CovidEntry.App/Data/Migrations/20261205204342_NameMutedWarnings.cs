using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <summary>
    /// One word for muted warnings in the UI, the code, the route and the database (issue 22): the
    /// table "Suppressions" is renamed with its key, foreign keys and indexes, its rows kept.
    /// </summary>
    public partial class NameMutedWarnings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameTable(name: "Suppressions", newName: "MutedWarnings");
            migrationBuilder.Sql("""
                ALTER TABLE "MutedWarnings" RENAME CONSTRAINT "PK_Suppressions" TO "PK_MutedWarnings";
                ALTER TABLE "MutedWarnings" RENAME CONSTRAINT "FK_Suppressions_AspNetUsers_CreatedByUserId" TO "FK_MutedWarnings_AspNetUsers_CreatedByUserId";
                ALTER TABLE "MutedWarnings" RENAME CONSTRAINT "FK_Suppressions_Jurisdictions_JurisdictionCode" TO "FK_MutedWarnings_Jurisdictions_JurisdictionCode";
                """);
            migrationBuilder.RenameIndex(name: "IX_Suppressions_CreatedByUserId", table: "MutedWarnings", newName: "IX_MutedWarnings_CreatedByUserId");
            migrationBuilder.RenameIndex(name: "IX_Suppressions_JurisdictionCode_UntilDate", table: "MutedWarnings", newName: "IX_MutedWarnings_JurisdictionCode_UntilDate");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameIndex(name: "IX_MutedWarnings_JurisdictionCode_UntilDate", table: "MutedWarnings", newName: "IX_Suppressions_JurisdictionCode_UntilDate");
            migrationBuilder.RenameIndex(name: "IX_MutedWarnings_CreatedByUserId", table: "MutedWarnings", newName: "IX_Suppressions_CreatedByUserId");
            migrationBuilder.Sql("""
                ALTER TABLE "MutedWarnings" RENAME CONSTRAINT "FK_MutedWarnings_Jurisdictions_JurisdictionCode" TO "FK_Suppressions_Jurisdictions_JurisdictionCode";
                ALTER TABLE "MutedWarnings" RENAME CONSTRAINT "FK_MutedWarnings_AspNetUsers_CreatedByUserId" TO "FK_Suppressions_AspNetUsers_CreatedByUserId";
                ALTER TABLE "MutedWarnings" RENAME CONSTRAINT "PK_MutedWarnings" TO "PK_Suppressions";
                """);
            migrationBuilder.RenameTable(name: "MutedWarnings", newName: "Suppressions");
        }
    }
}
