using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CovidEntry.App.Data.Migrations
{
    /// <summary>
    /// Writers no longer chain their own events under one lock: a trigger queues each committed event
    /// in "AuditPending", and the app links queued events onto "AuditChain" (docs/decisions/013).
    /// The events chained so far keep their hashes, as the first links, in their old order.
    /// </summary>
    public partial class LinkAuditEventsAfterCommit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditChain",
                columns: table => new
                {
                    Position = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    EventId = table.Column<long>(type: "bigint", nullable: false),
                    Hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditChain", x => x.Position);
                    table.ForeignKey(
                        name: "FK_AuditChain_AuditEvents_EventId",
                        column: x => x.EventId,
                        principalTable: "AuditEvents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditChain_EventId",
                table: "AuditChain",
                column: "EventId",
                unique: true);

            migrationBuilder.Sql(@"
INSERT INTO ""AuditChain"" (""Position"", ""EventId"", ""Hash"") OVERRIDING SYSTEM VALUE
    SELECT row_number() OVER (ORDER BY ""Id""), ""Id"", ""Hash"" FROM ""AuditEvents"";
SELECT setval(pg_get_serial_sequence('""AuditChain""', 'Position'), coalesce((SELECT max(""Position"") FROM ""AuditChain""), 0) + 1, false);
");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "AuditEvents");

            // The queue of committed events waiting for a link: filled by the trigger in the writer's
            // own transaction (so an event is queued exactly when it commits), emptied by the linker.
            migrationBuilder.Sql(@"
CREATE TABLE ""AuditPending"" (""EventId"" bigint PRIMARY KEY);

CREATE FUNCTION queue_audit_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ""AuditPending"" (""EventId"") SELECT ""Id"" FROM inserted;
    PERFORM pg_notify('audit_events', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER ""AuditEvents_queue"" AFTER INSERT ON ""AuditEvents""
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION queue_audit_events();

CREATE TRIGGER ""AuditChain_append_only"" BEFORE UPDATE OR DELETE ON ""AuditChain""
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER ""AuditChain_no_truncate"" BEFORE TRUNCATE ON ""AuditChain""
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to each event carrying its hash. Events that were never linked get none (zeros),
            // and the old verifier walks events by id, so it may report a break where the chain's
            // order differed from the ids' order.
            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "AuditEvents",
                type: "character(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            migrationBuilder.Sql(@"
DROP TRIGGER ""AuditEvents_queue"" ON ""AuditEvents"";
DROP FUNCTION queue_audit_events();
DROP TABLE ""AuditPending"";
ALTER TABLE ""AuditEvents"" DISABLE TRIGGER ""AuditEvents_append_only"";
UPDATE ""AuditEvents"" e SET ""Hash"" = coalesce((SELECT l.""Hash"" FROM ""AuditChain"" l WHERE l.""EventId"" = e.""Id""), repeat('0', 64));
ALTER TABLE ""AuditEvents"" ENABLE TRIGGER ""AuditEvents_append_only"";
ALTER TABLE ""AuditEvents"" ALTER COLUMN ""Hash"" SET NOT NULL;
DROP TRIGGER ""AuditChain_no_truncate"" ON ""AuditChain"";
DROP TRIGGER ""AuditChain_append_only"" ON ""AuditChain"";
");

            migrationBuilder.DropTable(
                name: "AuditChain");
        }
    }
}
