-- The smallest storage that still keeps every version: one row per jurisdiction-day and
-- version with the metrics in an array, a unique key per version, a latest table upserted in
-- the same transaction, foreign keys to the jurisdiction and the batch.
CREATE TABLE dv (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  j char(2) NOT NULL REFERENCES "Jurisdictions" ("Code"), d date NOT NULL, version int NOT NULL,
  batch uuid NOT NULL REFERENCES "Batches" ("Id"), by varchar(450) NOT NULL, at timestamptz NOT NULL,
  lag int NOT NULL, vals bigint[] NOT NULL, UNIQUE (j, d, version));
CREATE INDEX ON dv (batch);
CREATE TABLE dl (j char(2) NOT NULL REFERENCES "Jurisdictions" ("Code"), d date NOT NULL, version int NOT NULL,
  batch uuid NOT NULL, at timestamptz NOT NULL, vals bigint[] NOT NULL, PRIMARY KEY (j, d));
CREATE INDEX ON dl (d, j);
\timing on
BEGIN;
INSERT INTO "Batches" ("Id", "Kind", "Status", "CreatedByUserId", "CreatedAtUtc")
VALUES ('00000000-0000-0000-0000-000000000001', 'Import', 'Published', 'cli', now());
CREATE TEMP TABLE w (j char(2), d date, vals bigint[]) ON COMMIT DROP;
INSERT INTO w SELECT * FROM wide_src;
\echo write:
WITH changed AS (
  SELECT w.j, w.d, w.vals, COALESCE(l.version, 0) + 1 AS version
  FROM w LEFT JOIN dl l ON l.j = w.j AND l.d = w.d
  WHERE l.vals IS DISTINCT FROM w.vals
), written AS (
  INSERT INTO dv (j, d, version, batch, by, at, lag, vals)
  SELECT j, d, version, '00000000-0000-0000-0000-000000000001', 'cli', now(), current_date - d, vals FROM changed ORDER BY j, d
  RETURNING j, d, version, vals
)
INSERT INTO dl SELECT j, d, version, '00000000-0000-0000-0000-000000000001', now(), vals FROM written
ON CONFLICT (j, d) DO UPDATE SET vals = EXCLUDED.vals, version = EXCLUDED.version, batch = EXCLUDED.batch, at = EXCLUDED.at;
\echo written
COMMIT;
