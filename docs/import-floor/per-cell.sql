-- Today's storage: the import's own write statement (CtpImportService.WriteVersionsAsync)
-- on the cells, into an empty history.
\timing on
BEGIN;
INSERT INTO "Batches" ("Id", "Kind", "Status", "CreatedByUserId", "CreatedAtUtc")
VALUES ('00000000-0000-0000-0000-000000000001', 'Import', 'Published', 'cli', now());
CREATE TEMP TABLE import_cells (j character(2) NOT NULL, d date NOT NULL, m character varying(64) NOT NULL, v bigint) ON COMMIT DROP;
INSERT INTO import_cells SELECT * FROM cells_src;
\echo write:
WITH changed AS (
    SELECT c.j, c.d, c.m, c.v, COALESCE(l."VersionNumber", 0) + 1 AS version
    FROM import_cells c
    LEFT JOIN "LatestValues" l ON l."JurisdictionCode" = c.j AND l."DataDate" = c.d AND l."MetricKey" = c.m
    WHERE CASE WHEN l."MetricKey" IS NULL THEN c.v IS NOT NULL
               ELSE l."Value" IS DISTINCT FROM c.v OR l."MissingReason" IS NOT NULL END
), written AS (
    INSERT INTO "ValueVersions" ("JurisdictionCode", "DataDate", "MetricKey", "Value", "VersionNumber", "BatchId", "PublishedByUserId", "PublishedAtUtc", "LagDays")
    SELECT j, d, m, v, version, '00000000-0000-0000-0000-000000000001', 'cli', now(), (now() AT TIME ZONE 'UTC')::date - d FROM changed
    RETURNING "JurisdictionCode", "DataDate", "MetricKey", "Value", "VersionNumber"
)
INSERT INTO "LatestValues" ("JurisdictionCode", "DataDate", "MetricKey", "Value", "VersionNumber", "BatchId", "PublishedAtUtc")
SELECT "JurisdictionCode", "DataDate", "MetricKey", "Value", "VersionNumber", '00000000-0000-0000-0000-000000000001', now() FROM written
ON CONFLICT ("JurisdictionCode", "DataDate", "MetricKey") DO UPDATE
    SET "Value" = EXCLUDED."Value", "MissingReason" = NULL, "VersionNumber" = EXCLUDED."VersionNumber",
        "BatchId" = EXCLUDED."BatchId", "PublishedAtUtc" = EXCLUDED."PublishedAtUtc", "ScreenshotId" = NULL;
COMMIT;
