#!/usr/bin/env bash
# The floor under the import's speed target (issue 3, decision 017): how long PostgreSQL alone
# takes to write a x10 CTP-size history, in today's storage and in the smallest storage that
# keeps versions, with and without foreign keys, beside psql's \copy of the same rows.
# Needs a migrated, seeded CovidEntry database reachable through the PG* environment
# variables as a role that may make databases, e.g. from `COVIDENTRY_DATA_DIR=DIR ./run.sh migrate`,
# that cluster started again with pg_ctl, PGUSER=postgres and PGPASSWORD its superUserPassword from
# DIR/database-secrets.json. Makes and drops databases named import_floor_*. Takes about five minutes.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
here="$(cd "$(dirname "$0")" && pwd)"
source_db="${PGDATABASE:-covidentry}"
fresh() { psql -qX -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE import_floor_source"; }
# The time of every statement between "write:" and "written" (per-cell.sql runs two), added up; one otherwise.
write_time() { awk '/^write:/ { w = 1; next } /^written/ { printf "%.3f ms\n", t; exit } w && /^Time:/ { t += $2 }'; }
drop_foreign_keys() {
  psql -qX -d "$1" -c 'ALTER TABLE "ValueVersions" DROP CONSTRAINT "FK_ValueVersions_Batches_BatchId",
      DROP CONSTRAINT "FK_ValueVersions_Jurisdictions_JurisdictionCode", DROP CONSTRAINT "FK_ValueVersions_Metrics_MetricKey";
    ALTER TABLE "LatestValues" DROP CONSTRAINT "FK_LatestValues_Jurisdictions_JurisdictionCode",
      DROP CONSTRAINT "FK_LatestValues_Metrics_MetricKey";'
}

# The import's own statements (the versions and latest table, then the days it reported), from the
# app's source, with their parameters as literals.
statement="${TMPDIR:-/tmp}/import-floor-statement.sql"
literals() { sed -e "s/@batch/'00000000-0000-0000-0000-000000000001'/g" -e "s/@user/'cli'/g" -e "s/@at/now()/g"; }
awk '/const string sql = """/ { w = 1; next } w && /""";/ { w = 0; print ";"; next } w' \
  "$here/../../CovidEntry.App/Features/Imports/CtpImportService.cs" | literals > "$statement"
# ...and the statement that records what the batch wrote (its manifest, decision 031), which the import runs next.
awk '/private const string Sql = """/ { w = 1; next } w && /""";/ { w = 0; print ";"; next } w' \
  "$here/../../CovidEntry.App/Features/History/BatchManifests.cs" | literals >> "$statement"

psql -qX -d postgres -c "DROP DATABASE IF EXISTS import_floor_source" -c "CREATE DATABASE import_floor_source TEMPLATE $source_db"
psql -qX -d import_floor_source -f "$here/cells.sql"

fresh import_floor_copy
csv="$(mktemp)"
psql -qX -d import_floor_copy -c "\\copy (SELECT d, j, $(seq -s, 1 28 | sed 's/\([0-9]*\)/vals[\1]/g') FROM wide_src ORDER BY d DESC, j) TO '$csv' WITH (FORMAT csv, HEADER true)"
psql -qX -d import_floor_copy -c "CREATE TABLE bare (d date, j text, $(seq -s, 1 28 | sed 's/\([0-9]*\)/m\1 bigint/g'))"
echo "psql \\copy of $(($(wc -l < "$csv") - 1)) rows ($(($(stat -c %s "$csv") / 1024 / 1024)) MB) into a bare table: $(psql -qX -d import_floor_copy -c '\timing on' -c "\\copy bare FROM '$csv' WITH (FORMAT csv, HEADER true)" | awk '/^Time:/ { print $2, $3 }')"
rm -f "$csv"

fresh import_floor_cells
echo "per cell, as today: $(psql -qX -d import_floor_cells -v write_statement="$statement" -f "$here/per-cell.sql" | write_time)"
fresh import_floor_cells
drop_foreign_keys import_floor_cells
echo "per cell, no foreign keys: $(psql -qX -d import_floor_cells -v write_statement="$statement" -f "$here/per-cell.sql" | write_time)"
fresh import_floor_days
echo "per jurisdiction-day: $(psql -qX -d import_floor_days -f "$here/per-jurisdiction-day.sql" | write_time)"
fresh import_floor_days
sed -e 's/ REFERENCES "[A-Za-z]*" ("[A-Za-z]*")//g' "$here/per-jurisdiction-day.sql" > "${TMPDIR:-/tmp}/import-floor-nofk.sql"
echo "per jurisdiction-day, no foreign keys: $(psql -qX -d import_floor_days -f "${TMPDIR:-/tmp}/import-floor-nofk.sql" | write_time)"

for db in import_floor_copy import_floor_cells import_floor_days import_floor_source; do
  psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db"
done
