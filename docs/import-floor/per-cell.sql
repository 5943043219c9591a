-- Today's storage: the import's own write statements, taken from CtpImportService.WriteVersionsAsync
-- and BatchManifests by measure.sh (write_statement), on the cells, into an empty history (the
-- latest table is moved by the history's trigger).
\timing on
BEGIN;
INSERT INTO "Batches" ("Id", "Kind", "Status", "CreatedByUserId", "CreatedAtUtc")
VALUES ('00000000-0000-0000-0000-000000000001', 'Import', 'Published', 'cli', now());
CREATE TEMP TABLE import_cells (j character(2) NOT NULL, d date NOT NULL, m character varying(64) NOT NULL, v bigint) ON COMMIT DROP;
INSERT INTO import_cells SELECT * FROM cells_src;
\echo write:
\i :write_statement
\echo written
COMMIT;
