-- Published history is append-only: no version, and no batch's record of what it wrote, is changed or removed.
CREATE TRIGGER "ValueVersions_append_only" BEFORE UPDATE OR DELETE ON "ValueVersions"
    FOR EACH ROW EXECUTE FUNCTION refuse_change('published value versions are append-only');
CREATE TRIGGER "ValueVersions_no_truncate" BEFORE TRUNCATE ON "ValueVersions"
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('published value versions are append-only');
CREATE TRIGGER "BatchManifests_append_only" BEFORE UPDATE OR DELETE ON "BatchManifests"
    FOR EACH ROW EXECUTE FUNCTION refuse_change('published value versions are append-only');
CREATE TRIGGER "BatchManifests_no_truncate" BEFORE TRUNCATE ON "BatchManifests"
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('published value versions are append-only');
