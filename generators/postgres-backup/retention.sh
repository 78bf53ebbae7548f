# Retention rule for the backup bucket, sourced by s3-upload.sh and by the tests.
#
# expired_backups CUTOFF KEEP_MIN
#   stdin:  `aws s3 ls s3://bucket/prefix/` output (lines "PRE <timestamp>/"); other lines ignored
#   stdout: the timestamps (one per line, no slash) older than CUTOFF, never touching the
#           KEEP_MIN newest backups, whatever their age (a schedule that stalled for weeks
#           must not let the bucket empty itself).
#   CUTOFF is a timestamp in the same format (YYYY-MM-DDTHHMMSSZ): the format sorts as text.
expired_backups() {
  cutoff="$1"
  keep="$2"
  case "$keep" in '' | *[!0-9]*) echo "expired_backups: KEEP_MIN \"$keep\" is not a whole number" >&2; return 2 ;; esac
  awk '$1 == "PRE" && $2 ~ /^[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9][0-5][0-9][0-5][0-9]Z\/$/ { sub(/\/$/, "", $2); print $2 }' |
    LC_ALL=C sort -r |
    awk -v keep="$keep" -v cutoff="$cutoff" 'NR > keep && $0 < cutoff'
}

# cutoff_for DAYS [NOW_EPOCH_SECONDS] -> timestamp DAYS days before now (GNU date or busybox date).
cutoff_for() {
  days="$1"
  now="${2:-$(date -u +%s)}"
  case "$days" in '' | *[!0-9]*) echo "cutoff_for: RETENTION_DAYS \"$days\" is not a whole number" >&2; return 2 ;; esac
  date -u -d "@$((now - days * 86400))" +%Y-%m-%dT%H%M%SZ
}
