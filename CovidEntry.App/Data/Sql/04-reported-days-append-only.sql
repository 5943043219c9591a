-- A reported day is published history like a version: never changed or removed.
CREATE TRIGGER "ReportedDays_append_only" BEFORE UPDATE OR DELETE ON "ReportedDays"
    FOR EACH ROW EXECUTE FUNCTION refuse_change('reported days are append-only');
CREATE TRIGGER "ReportedDays_no_truncate" BEFORE TRUNCATE ON "ReportedDays"
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('reported days are append-only');
