using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Snapshots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Trigger = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    RequestedByUserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    StartedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FinishedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastVersionId = table.Column<long>(type: "bigint", nullable: false),
                    LastBatchId = table.Column<Guid>(type: "uuid", nullable: true),
                    Progress = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Problems = table.Column<string>(type: "text", nullable: true),
                    Changelog = table.Column<string>(type: "text", nullable: true),
                    PreviousSnapshotId = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Snapshots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SnapshotFiles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    SnapshotId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Rows = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnapshotFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SnapshotFiles_Snapshots_SnapshotId",
                        column: x => x.SnapshotId,
                        principalTable: "Snapshots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotFiles_SnapshotId_Name",
                table: "SnapshotFiles",
                columns: new[] { "SnapshotId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Snapshots_State_StartedAtUtc",
                table: "Snapshots",
                columns: new[] { "State", "StartedAtUtc" });

            // A snapshot's files are immutable: the database refuses to change or remove them.
            migrationBuilder.Sql(@"
CREATE FUNCTION refuse_snapshot_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'snapshot files are immutable: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER ""SnapshotFiles_immutable"" BEFORE UPDATE OR DELETE ON ""SnapshotFiles""
    FOR EACH ROW EXECUTE FUNCTION refuse_snapshot_change();
CREATE TRIGGER ""SnapshotFiles_no_truncate"" BEFORE TRUNCATE ON ""SnapshotFiles""
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_snapshot_change();
CREATE TRIGGER ""Snapshots_finished_immutable"" BEFORE UPDATE ON ""Snapshots""
    FOR EACH ROW WHEN (OLD.""State"" <> 'Making') EXECUTE FUNCTION refuse_snapshot_change();
CREATE TRIGGER ""Snapshots_no_delete"" BEFORE DELETE ON ""Snapshots""
    FOR EACH ROW EXECUTE FUNCTION refuse_snapshot_change();
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS ""Snapshots_no_delete"" ON ""Snapshots"";
DROP TRIGGER IF EXISTS ""Snapshots_finished_immutable"" ON ""Snapshots"";
DROP TRIGGER IF EXISTS ""SnapshotFiles_no_truncate"" ON ""SnapshotFiles"";
DROP TRIGGER IF EXISTS ""SnapshotFiles_immutable"" ON ""SnapshotFiles"";
DROP FUNCTION IF EXISTS refuse_snapshot_change();");

            migrationBuilder.DropTable(
                name: "SnapshotFiles");

            migrationBuilder.DropTable(
                name: "Snapshots");
        }
    }
}
