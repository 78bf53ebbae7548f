#!/bin/sh
# Restore one database from a pg-backup.sh archive. The archive is restored into a new
# database first; only when that succeeded is the live one renamed aside and the restored
# one renamed into place, so a failed restore leaves the current database untouched.
#
# Usage: pg-restore.sh <archive.dump> <database> <owner-role>
# Env:   PGHOST PGPORT PGUSER PGPASSWORD of the admin (superuser) role.
#        RESTORE_CONNECT_ROLES="role ..." roles granted CONNECT on the restored database
#        (the backup role); the postgres-bootstrap Job re-applies all grants on the next sync.
# Keeps the replaced database as <database>_replaced_<timestamp> (drop it once satisfied).
set -eu

file="${1:?usage: pg-restore.sh <archive.dump> <database> <owner-role>}"
db="${2:?usage: pg-restore.sh <archive.dump> <database> <owner-role>}"
owner="${3:?usage: pg-restore.sh <archive.dump> <database> <owner-role>}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
staging="${db}_restoring"
aside="${db}_replaced_${stamp}"

pg_restore --list "$file" >/dev/null

psql_() { psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 --dbname=postgres "$@"; }

psql_ --set db="$staging" --set owner="$owner" <<'SQL'
DROP DATABASE IF EXISTS :"db";
CREATE DATABASE :"db" OWNER :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL

# --no-owner --role: every object is created by (so owned by) the service's role, whatever
# role owned it in the archive; --single-transaction: all or nothing.
pg_restore --no-password --dbname="$staging" --no-owner --role="$owner" --exit-on-error --single-transaction "$file"

psql_ --set db="$db" --set staging="$staging" --set aside="$aside" <<'SQL'
SELECT EXISTS (SELECT FROM pg_database WHERE datname = :'db') AS live_exists \gset
\if :live_exists
  -- Clients reconnect to the restored database (their pools retry).
  ALTER DATABASE :"db" WITH ALLOW_CONNECTIONS false;
  SELECT count(pg_terminate_backend(pid)) AS terminated FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid() \gset
  ALTER DATABASE :"db" RENAME TO :"aside";
  -- Open again under its new name so it can be compared with the restored one.
  ALTER DATABASE :"aside" WITH ALLOW_CONNECTIONS true;
  \echo pg-restore: live database moved aside (:terminated sessions ended)
\endif
ALTER DATABASE :"staging" RENAME TO :"db";
SQL

for role in ${RESTORE_CONNECT_ROLES:-}; do
  psql_ --set db="$db" --set role="$role" <<'SQL'
GRANT CONNECT ON DATABASE :"db" TO :"role";
SQL
done

echo "pg-restore: $db restored from $file (owner $owner); a replaced database, if any, is kept as $aside"
