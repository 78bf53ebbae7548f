#!/bin/sh
# Upload the newest local backup (pg-backup.sh output) to S3-compatible storage, verify the
# objects arrived with their sizes, then apply retention. Run by the postgres-backup CronJob
# (upload container, aws-cli image).
#
# Usage: s3-upload.sh <backup-dir>
# Env:   S3_BUCKET S3_PREFIX NAMESPACE RETENTION_DAYS KEEP_MIN
#        S3_ENDPOINT (empty for AWS S3), AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
#        DRY_RUN=1 prints the aws commands instead of running them (used by the tests).
set -eu
here=$(dirname "$0")
. "$here/retention.sh"

src="${1:?usage: s3-upload.sh <backup-dir>}"
: "${S3_BUCKET:?S3_BUCKET is not set}"
: "${S3_PREFIX:?S3_PREFIX is not set}"
: "${NAMESPACE:?NAMESPACE is not set}"
: "${RETENTION_DAYS:?RETENTION_DAYS is not set}"
: "${KEEP_MIN:?KEEP_MIN is not set}"
[ -f "$src/LATEST" ] || { echo "s3-upload: $src/LATEST is missing: the dump did not finish" >&2; exit 1; }
stamp=$(cat "$src/LATEST")
base="s3://$S3_BUCKET/$S3_PREFIX/$NAMESPACE"

aws_() {
  if [ -n "${S3_ENDPOINT:-}" ]; then set -- --endpoint-url "$S3_ENDPOINT" "$@"; fi
  if [ "${DRY_RUN:-}" = 1 ]; then echo "aws $*"; else aws "$@"; fi
}

(cd "$src/$stamp" && sha256sum -c --quiet SHA256SUMS)
aws_ s3 cp --recursive --only-show-errors "$src/$stamp/" "$base/$stamp/"

# Verify: every local file is listed remotely with the same size.
if [ "${DRY_RUN:-}" != 1 ]; then
  listing=$(aws_ s3 ls "$base/$stamp/")
  for f in "$src/$stamp"/*; do
    name=$(basename "$f")
    size=$(wc -c <"$f" | tr -d ' ')
    echo "$listing" | awk -v n="$name" -v s="$size" '$4 == n && $3 == s { found = 1 } END { exit !found }' ||
      { echo "s3-upload: $name ($size bytes) is missing or has another size in $base/$stamp/" >&2; exit 1; }
  done
fi
echo "s3-upload: uploaded $stamp to $base/$stamp/"

cutoff=$(cutoff_for "$RETENTION_DAYS" "${NOW_EPOCH:-}")
if [ "${DRY_RUN:-}" = 1 ]; then listing=$(cat "${DRY_RUN_LISTING:-/dev/null}"); else listing=$(aws_ s3 ls "$base/"); fi
echo "$listing" | expired_backups "$cutoff" "$KEEP_MIN" | while read -r old; do
  aws_ s3 rm --recursive --only-show-errors "$base/$old/"
  echo "s3-upload: retention removed $old (older than $RETENTION_DAYS days)"
done
