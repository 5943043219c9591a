using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <summary>
    /// The public files made once per change (docs/decisions/032): their generations, and triggers that
    /// tell every instance when a commit changed what the files are made from.
    /// </summary>
    public partial class MaterializePublicFiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PublicFileGenerations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    SourceKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LastPublishedId = table.Column<long>(type: "bigint", nullable: false),
                    BuiltAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Moments = table.Column<DateTime[]>(type: "timestamp with time zone[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PublicFileGenerations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PublicFileBlobs",
                columns: table => new
                {
                    GenerationId = table.Column<long>(type: "bigint", nullable: false),
                    Path = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    DownloadName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Rows = table.Column<long>(type: "bigint", nullable: false),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    LastModifiedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Gzip = table.Column<byte[]>(type: "bytea", nullable: false),
                    Brotli = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PublicFileBlobs", x => new { x.GenerationId, x.Path });
                    table.ForeignKey(
                        name: "FK_PublicFileBlobs_PublicFileGenerations_GenerationId",
                        column: x => x.GenerationId,
                        principalTable: "PublicFileGenerations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PublicFileGenerations_SourceKey",
                table: "PublicFileGenerations",
                column: "SourceKey",
                unique: true);

            // Already compressed: stored out of line as they are, not compressed again by TOAST.
            migrationBuilder.Sql(@"
ALTER TABLE ""PublicFileBlobs"" ALTER COLUMN ""Gzip"" SET STORAGE EXTERNAL;
ALTER TABLE ""PublicFileBlobs"" ALTER COLUMN ""Brotli"" SET STORAGE EXTERNAL;

CREATE FUNCTION notify_public_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Delivered when the writer commits, once per transaction however many statements notify.
    PERFORM pg_notify('public_data', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER ""ValueVersions_public_data"" AFTER INSERT ON ""ValueVersions"" FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER ""ReportedDays_public_data"" AFTER INSERT ON ""ReportedDays"" FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER ""Metrics_public_data"" AFTER INSERT OR UPDATE OR DELETE ON ""Metrics"" FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER ""Jurisdictions_public_data"" AFTER INSERT OR UPDATE OR DELETE ON ""Jurisdictions"" FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER ""JurisdictionSources_public_data"" AFTER INSERT OR UPDATE OR DELETE ON ""JurisdictionSources"" FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"
DROP TRIGGER ""ValueVersions_public_data"" ON ""ValueVersions"";
DROP TRIGGER ""ReportedDays_public_data"" ON ""ReportedDays"";
DROP TRIGGER ""Metrics_public_data"" ON ""Metrics"";
DROP TRIGGER ""Jurisdictions_public_data"" ON ""Jurisdictions"";
DROP TRIGGER ""JurisdictionSources_public_data"" ON ""JurisdictionSources"";
DROP FUNCTION notify_public_data();
");

            migrationBuilder.DropTable(
                name: "PublicFileBlobs");

            migrationBuilder.DropTable(
                name: "PublicFileGenerations");
        }
    }
}
