#!/bin/sh
# Logical backup of the marquee databases: one pg_dump custom-format archive per database,
# checked readable with pg_restore --list, plus SHA256SUMS. Run by the postgres-backup
# CronJob (dump container, postgres image) and by test/data/backup-restore.test.ts.
#
# Usage: pg-backup.sh <output-dir>
# Env:   PGHOST PGPORT PGUSER PGPASSWORD (libpq), BACKUP_DATABASES="inventory billing"
#        BACKUP_TIMESTAMP (optional, default: now, UTC, e.g. 2026-11-22T021500Z)
# Output: <output-dir>/<timestamp>/<database>.dump, <output-dir>/<timestamp>/SHA256SUMS,
#         <output-dir>/LATEST (the timestamp), written last: its presence means success.
set -eu

out="${1:?usage: pg-backup.sh <output-dir>}"
: "${BACKUP_DATABASES:?BACKUP_DATABASES (space-separated database names) is not set}"
stamp="${BACKUP_TIMESTAMP:-$(date -u +%Y-%m-%dT%H%M%SZ)}"
case "$stamp" in
  [0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9][0-5][0-9][0-5][0-9]Z) ;;
  *) echo "pg-backup: BACKUP_TIMESTAMP \"$stamp\" is not YYYY-MM-DDTHHMMSSZ" >&2; exit 2 ;;
esac

dir="$out/$stamp"
mkdir -p "$dir"
rm -f "$out/LATEST"

for db in $BACKUP_DATABASES; do
  file="$dir/$db.dump"
  started=$(date +%s)
  # --lock-wait-timeout: fail (and retry the Job) rather than queue behind a migration's lock
  # and block every client behind us. Ownership and grants are kept in the archive; the restore
  # procedure decides whether to apply them (generators/postgres-backup/pg-restore.sh).
  pg_dump --no-password --format=custom --compress=6 --lock-wait-timeout=120000 \
    --dbname="$db" --file="$file.partial"
  # A truncated or corrupt archive fails here, not on the day it is needed.
  pg_restore --list "$file.partial" >/dev/null
  mv "$file.partial" "$file"
  size=$(wc -c <"$file" | tr -d ' ')
  echo "pg-backup: $db -> $file ($size bytes, $(( $(date +%s) - started ))s)"
done

(cd "$dir" && sha256sum -- *.dump >SHA256SUMS)
echo "$stamp" >"$out/LATEST"
echo "pg-backup: done $stamp"
