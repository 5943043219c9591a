-- The audit trail and its chain of links are append-only: no update, delete or truncate.
CREATE TRIGGER "AuditEvents_append_only" BEFORE UPDATE OR DELETE ON "AuditEvents"
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit trail is append-only');
CREATE TRIGGER "AuditEvents_no_truncate" BEFORE TRUNCATE ON "AuditEvents"
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the audit trail is append-only');
CREATE TRIGGER "AuditChain_append_only" BEFORE UPDATE OR DELETE ON "AuditChain"
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit trail is append-only');
CREATE TRIGGER "AuditChain_no_truncate" BEFORE TRUNCATE ON "AuditChain"
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the audit trail is append-only');
