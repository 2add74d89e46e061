#!/usr/bin/env bash
# Start Debian's PostgreSQL on localhost and print a URL to a fresh test database.
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
cluster=main
if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$cluster"; then
  pg_createcluster "$version" "$cluster" >/dev/null
fi
pg_ctlcluster "$version" "$cluster" start >/dev/null 2>&1 || true
port=$(pg_lsclusters -h | awk -v c="$cluster" '$2==c {print $3}')
su postgres -c "psql -p $port -qtc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='selection') THEN CREATE ROLE selection LOGIN PASSWORD 'selection' SUPERUSER; END IF; END \\\$\\\$;\"" >/dev/null
su postgres -c "psql -p $port -qtc 'DROP DATABASE IF EXISTS selection_test'" >/dev/null 2>&1
su postgres -c "psql -p $port -qtc 'CREATE DATABASE selection_test OWNER selection'" >/dev/null
echo "postgresql+psycopg://selection:selection@127.0.0.1:$port/selection_test"
