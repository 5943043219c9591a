-- The public files: their compressed forms are stored out of line as they are (TOAST would only
-- try to compress them again), and every write they are made from tells the app to make them again.
ALTER TABLE "PublicFileBlobs" ALTER COLUMN "Gzip" SET STORAGE EXTERNAL;
ALTER TABLE "PublicFileBlobs" ALTER COLUMN "Brotli" SET STORAGE EXTERNAL;

CREATE FUNCTION notify_public_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Delivered when the writer commits, once per transaction however many statements notify.
    PERFORM pg_notify('public_data', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER "ValueVersions_public_data" AFTER INSERT ON "ValueVersions" FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER "ReportedDays_public_data" AFTER INSERT ON "ReportedDays" FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER "Metrics_public_data" AFTER INSERT OR UPDATE OR DELETE ON "Metrics" FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER "Jurisdictions_public_data" AFTER INSERT OR UPDATE OR DELETE ON "Jurisdictions" FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER "JurisdictionSources_public_data" AFTER INSERT OR UPDATE OR DELETE ON "JurisdictionSources" FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
