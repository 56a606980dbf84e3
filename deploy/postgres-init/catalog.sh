#!/bin/sh
# The warehouse's DuckLake catalog: a database and a role of its own beside Dagster's, created by the
# postgres image on its first start (docker-entrypoint-initdb.d). DuckLake creates its tables on first use.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v password="$BALIZA_CATALOG_PASSWORD" <<'SQL'
CREATE ROLE baliza_catalog LOGIN PASSWORD :'password';
CREATE DATABASE baliza_catalog OWNER baliza_catalog;
SQL
