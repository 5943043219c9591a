-- The latest table follows the history and nothing else: every statement that adds versions moves
-- it, as the table's owner (the app's role may not write it at all), and refuses a version that
-- does not follow its cell's latest one.
CREATE FUNCTION keep_latest_values() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM inserted n
        LEFT JOIN "LatestValues" l ON l."JurisdictionCode" = n."JurisdictionCode" AND l."DataDate" = n."DataDate" AND l."MetricKey" = n."MetricKey"
        WHERE n."VersionNumber" <> COALESCE(l."VersionNumber", 0) + 1) THEN
        RAISE EXCEPTION 'a new version does not follow the latest version of its cell' USING ERRCODE = 'CE409';
    END IF;
    INSERT INTO "LatestValues" ("JurisdictionCode", "DataDate", "MetricKey", "Value", "MissingReason", "VersionNumber", "BatchId", "PublishedAtUtc", "ScreenshotId")
    SELECT "JurisdictionCode", "DataDate", "MetricKey", "Value", "MissingReason", "VersionNumber", "BatchId", "PublishedAtUtc", "ScreenshotId" FROM inserted
    ON CONFLICT ("JurisdictionCode", "DataDate", "MetricKey") DO UPDATE
        SET "Value" = EXCLUDED."Value", "MissingReason" = EXCLUDED."MissingReason", "VersionNumber" = EXCLUDED."VersionNumber",
            "BatchId" = EXCLUDED."BatchId", "PublishedAtUtc" = EXCLUDED."PublishedAtUtc", "ScreenshotId" = EXCLUDED."ScreenshotId";
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION keep_latest_values() FROM PUBLIC;
CREATE TRIGGER "ValueVersions_keep_latest" AFTER INSERT ON "ValueVersions"
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION keep_latest_values();
