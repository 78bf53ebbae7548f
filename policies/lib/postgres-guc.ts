// How PostgreSQL reads a numeric setting with a unit (`shared_buffers = 2GB`, `archive_timeout = 60s`), ported from
// postgres/postgres src/backend/utils/misc/guc.c: parse_int / parse_real (a number as strtol/strtod read it, optional
// whitespace, an optional unit) and convert_to_base_unit (the unit, at most MAX_UNIT_LEN = 3 characters followed only
// by whitespace, compared case-sensitively with strcmp against memory_unit_conversion_table or
// time_unit_conversion_table). A value it refuses stops the server at start ("invalid value for parameter") or, for a
// reloadable parameter, is ignored with the same message. test/policies/lib/postgres-guc-server.test.ts asks a real
// server, so these tables are not their own oracle.

export type GucUnitKind = 'memory' | 'time';

/** memory_unit_conversion_table: unit → bytes. Powers of 1024 written with SI letters: `kB`, never `KiB`. */
export const memoryUnits: Readonly<Record<string, number>> = { TB: 1024 ** 4, GB: 1024 ** 3, MB: 1024 ** 2, kB: 1024, B: 1 };

/** time_unit_conversion_table: unit → milliseconds. */
export const timeUnits: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, min: 60_000, s: 1000, ms: 1, us: 0.001 };

/** A bare number is read in the parameter's base unit (pg_settings.unit): its size in bytes or milliseconds. */
const baseUnits: Readonly<Record<string, { readonly kind: GucUnitKind; readonly size: number }>> = {
  B: { kind: 'memory', size: 1 },
  kB: { kind: 'memory', size: 1024 },
  '8kB': { kind: 'memory', size: 8192 },
  MB: { kind: 'memory', size: 1024 ** 2 },
  ms: { kind: 'time', size: 1 },
  s: { kind: 'time', size: 1000 },
  min: { kind: 'time', size: 60_000 },
};

/**
 * pg_settings.unit of the parameters with a unit that marquee's overlays (or a newcomer tuning them) may set; a
 * parameter not listed is not checked. Every entry is compared with a real server's pg_settings by the server test.
 */
export const parameterUnits: Readonly<Record<string, keyof typeof baseUnits>> = {
  // memory
  shared_buffers: '8kB',
  effective_cache_size: '8kB',
  temp_buffers: '8kB',
  wal_buffers: '8kB',
  work_mem: 'kB',
  maintenance_work_mem: 'kB',
  autovacuum_work_mem: 'kB',
  logical_decoding_work_mem: 'kB',
  max_stack_depth: 'kB',
  temp_file_limit: 'kB',
  log_temp_files: 'kB',
  wal_keep_size: 'MB',
  max_wal_size: 'MB',
  min_wal_size: 'MB',
  max_slot_wal_keep_size: 'MB',
  // time
  archive_timeout: 's',
  checkpoint_timeout: 's',
  checkpoint_warning: 's',
  autovacuum_naptime: 's',
  wal_receiver_status_interval: 's',
  statement_timeout: 'ms',
  lock_timeout: 'ms',
  idle_in_transaction_session_timeout: 'ms',
  idle_session_timeout: 'ms',
  deadlock_timeout: 'ms',
  log_min_duration_statement: 'ms',
  log_autovacuum_min_duration: 'ms',
  wal_sender_timeout: 'ms',
  wal_receiver_timeout: 'ms',
  wal_writer_delay: 'ms',
  bgwriter_delay: 'ms',
  max_standby_streaming_delay: 'ms',
  max_standby_archive_delay: 'ms',
  autovacuum_vacuum_cost_delay: 'ms',
};

const unitsOf = (kind: GucUnitKind) => (kind === 'memory' ? memoryUnits : timeUnits);

/** guc.c memory_units_hint / time_units_hint, PostgreSQL's own words. */
export const unitsHint: Readonly<Record<GucUnitKind, string>> = {
  memory: 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".',
  time: 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".',
};

// strtol(…, 0) (decimal, 0x hex) or, past a '.' or an exponent, strtod; leading whitespace skipped as they do.
const numberThenRest = /^\s*([+-]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))\s*(.*)$/s;

/** The value in bytes or milliseconds as PostgreSQL reads it for a parameter of this base unit; undefined when refused. */
function read(value: string, base: keyof typeof baseUnits): number | undefined {
  const m = numberThenRest.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return undefined;
  const { kind, size } = baseUnits[base]!;
  if (m[2] === '') return n * size;
  // convert_to_base_unit: whitespace may follow the unit, nothing else
  const factor = Object.hasOwn(unitsOf(kind), m[2]!.trimEnd()) ? unitsOf(kind)[m[2]!.trimEnd()] : undefined;
  return factor === undefined ? undefined : n * factor;
}

/** A listed parameter's value in bytes (memory) or milliseconds (time); undefined if not listed or PostgreSQL refuses it. */
export function gucValue(name: string, value: unknown): number | undefined {
  const base = parameterUnits[name];
  return base === undefined ? undefined : read(String(value ?? ''), base);
}

/** What was probably meant: `2GiB` → `2GB`, `64mb` → `64MB`, `10sec` → `10s`, `5m` → `5min`. */
function meant(value: string, kind: GucUnitKind): string | undefined {
  const m = numberThenRest.exec(value);
  if (!m) return undefined;
  const unit = m[2]!.trim();
  const memory: [RegExp, string][] = [[/^(b|bytes?)$/i, 'B'], [/^k(i?b?|ib)$/i, 'kB'], [/^([mgt])(i?b?)$/i, '']];
  const time: [RegExp, string][] = [
    [/^(µs|μs|usecs?|micro(second)?s?)$/i, 'us'],
    [/^(ms|msecs?|millis?|milliseconds?)$/i, 'ms'],
    [/^(s|secs?|seconds?)$/i, 's'],
    [/^(m|mins?|minutes?)$/i, 'min'],
    [/^(h|hrs?|hours?)$/i, 'h'],
    [/^(d|days?)$/i, 'd'],
  ];
  for (const [re, to] of kind === 'memory' ? memory : time) {
    const u = re.exec(unit);
    if (u) return `${m[1]}${to || `${u[1]!.toUpperCase()}B`}`;
  }
  return undefined;
}

/** PostgreSQL's refusal of a listed parameter's value, with the value to write when it can tell; undefined if accepted. */
export function gucUnitProblem(name: string, value: unknown): { message: string; hint: string } | undefined {
  const base = parameterUnits[name];
  if (base === undefined) return undefined;
  const text = String(value ?? '');
  if (read(text, base) !== undefined) return undefined;
  const kind = baseUnits[base]!.kind;
  const units = Object.keys(unitsOf(kind)).join(', ');
  const fix = meant(text, kind);
  const why = kind === 'memory' ? `PostgreSQL's memory units are ${units} (powers of 1024, case-sensitive, no "i")` : `PostgreSQL's time units are ${units} (case-sensitive)`;
  return {
    message: `PostgreSQL refuses it: invalid value for parameter "${name}": ${JSON.stringify(text)} (${unitsHint[kind]})`,
    hint: fix && read(fix, base) !== undefined ? `write ${fix}: ${why}` : `write a number with one of ${units}, or none for ${base}: ${why}`,
  };
}
