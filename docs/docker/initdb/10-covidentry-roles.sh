#!/bin/sh
# Run once by the postgres image when it makes its cluster (/docker-entrypoint-initdb.d): the two
# roles CovidEntry needs (README: Production). The owner owns the database and everything in it;
# migrations run as it. The app's role only reads and writes rows: `migrate` grants it that, and the
# database refuses it any change to published history, the audit trail, snapshots and screenshots.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v db="$POSTGRES_DB" -v owner_password="$COVIDENTRY_OWNER_PASSWORD" -v app_password="$COVIDENTRY_APP_PASSWORD" <<'SQL'
CREATE ROLE covidentry_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE covidentry_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO covidentry_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO covidentry_app;
SQL
