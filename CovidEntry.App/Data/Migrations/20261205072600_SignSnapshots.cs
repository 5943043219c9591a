using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class SignSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "Checksums",
                table: "Snapshots",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "Manifest",
                table: "Snapshots",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "Signature",
                table: "Snapshots",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SigningKey",
                table: "Snapshots",
                type: "character(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            // From now on a snapshot becomes public only signed (docs/decisions/028), so that someone
            // with the app's database password cannot publish an unsigned one that /data would call
            // old. NOT VALID: snapshots published before signing existed stay as they are.
            migrationBuilder.Sql(@"
ALTER TABLE ""Snapshots"" ADD CONSTRAINT ""CK_Snapshots_published_signed""
    CHECK (""State"" <> 'Published' OR (""Manifest"" IS NOT NULL AND ""Checksums"" IS NOT NULL AND ""Signature"" IS NOT NULL AND ""SigningKey"" IS NOT NULL)) NOT VALID;
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"ALTER TABLE ""Snapshots"" DROP CONSTRAINT IF EXISTS ""CK_Snapshots_published_signed"";");

            migrationBuilder.DropColumn(
                name: "Checksums",
                table: "Snapshots");

            migrationBuilder.DropColumn(
                name: "Manifest",
                table: "Snapshots");

            migrationBuilder.DropColumn(
                name: "Signature",
                table: "Snapshots");

            migrationBuilder.DropColumn(
                name: "SigningKey",
                table: "Snapshots");
        }
    }
}
