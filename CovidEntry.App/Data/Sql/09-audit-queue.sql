-- The queue of committed events waiting for a link: filled by the trigger in the writer's own
-- transaction (so an event is queued exactly when it commits), emptied by the linker.
CREATE TABLE "AuditPending" ("EventId" bigint PRIMARY KEY);

CREATE FUNCTION queue_audit_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "AuditPending" ("EventId") SELECT "Id" FROM inserted;
    PERFORM pg_notify('audit_events', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER "AuditEvents_queue" AFTER INSERT ON "AuditEvents"
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION queue_audit_events();
