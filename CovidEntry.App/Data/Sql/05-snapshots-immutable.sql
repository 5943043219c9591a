-- A snapshot's files are immutable, a finished snapshot is never changed, and none is removed.
CREATE TRIGGER "SnapshotFiles_immutable" BEFORE UPDATE OR DELETE ON "SnapshotFiles"
    FOR EACH ROW EXECUTE FUNCTION refuse_change('snapshot files are immutable');
CREATE TRIGGER "SnapshotFiles_no_truncate" BEFORE TRUNCATE ON "SnapshotFiles"
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('snapshot files are immutable');
CREATE TRIGGER "Snapshots_finished_immutable" BEFORE UPDATE ON "Snapshots"
    FOR EACH ROW WHEN (OLD."State" <> 'Making') EXECUTE FUNCTION refuse_change('snapshot files are immutable');
CREATE TRIGGER "Snapshots_no_delete" BEFORE DELETE ON "Snapshots"
    FOR EACH ROW EXECUTE FUNCTION refuse_change('snapshot files are immutable');
