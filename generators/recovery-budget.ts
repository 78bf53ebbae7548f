// The recovery budget as code: from an environment's RecoveryBudget (generators/environments.ts)
// derive archive_timeout, the base-backup cadence and retention, and the worst-case RPO/RTO they
// give; throw, naming the contract field to change, when the arithmetic cannot meet the targets.
// Pure and light (no kubernetes-models): the generator, validate and the report all call it.
import { environments, type EnvName, type RecoveryBudget } from './environments.ts';

const contract = 'generators/environments.ts';

/** PostgreSQL's default WAL segment size (CloudNativePG does not change it): the unit the archiver ships. */
export const walSegmentMiB = 16;

/**
 * archive_timeout is this fraction of the RPO. The rest of the budget is for what the
 * arithmetic cannot see: a failed upload that PostgreSQL's archiver retries, the object
 * store's own latency, a scrape interval before the WalArchivingLagging alert fires.
 */
export const archiveTimeoutShareOfRpo = 1 / 5;

/** PostgreSQL warns that a very short archive_timeout bloats the archive with mostly-empty segments. */
export const minArchiveTimeoutSeconds = 10;

/**
 * Allowance in the RTO for what is not copying or replaying: scheduling the recovery pod,
 * attaching its volume, pulling the image, the operator's reconcile loop. An allowance,
 * not a measurement (docs/data.md shows the arithmetic).
 */
export const provisionAllowanceSeconds = 120;

/** Base-backup cadences to choose from, longest first (hours; each divides a day). */
export const cadenceChoicesHours = [24, 12, 6, 4, 2, 1] as const;

/** Base backups kept at least this long, whatever the cadence: point-in-time recovery a week back. */
export const minRetentionDays = 7;

export interface RecoveryPlan {
  readonly env: EnvName;
  /** PostgreSQL archive_timeout: the longest a committed transaction waits in an unarchived segment. */
  readonly archiveTimeoutSeconds: number;
  /** Hours between base backups (ScheduledBackup). */
  readonly backupCadenceHours: (typeof cadenceChoicesHours)[number];
  /** Six-field cron (seconds first, as ScheduledBackup reads it), UTC. */
  readonly backupSchedule: string;
  /** ObjectStore retentionPolicy (`<n>d`). */
  readonly retentionPolicy: `${number}d`;
  /** Region loss: archive_timeout plus shipping one segment to the other region. */
  readonly worstCaseRpoSeconds: number;
  /**
   * Region loss: restore the newest base backup's predecessor (the newest may be the one that is
   * broken) and replay two cadences of WAL, plus the provisioning allowance.
   */
  readonly worstCaseRtoSeconds: number;
  /** Node or zone loss: synchronous replication promotes a standby holding every acknowledged commit. */
  readonly failoverRpoSeconds: 0;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Region loss, worst case: a commit waits archive_timeout in its segment, then the segment is shipped. */
export function worstCaseRpoFor(b: RecoveryBudget, archiveTimeoutSeconds: number): number {
  return round1(archiveTimeoutSeconds + walSegmentMiB / b.restoreRateMiBPerSec);
}

/**
 * Region loss, worst case with base backups every `cadenceHours`: the second-newest base backup, two
 * cadences of WAL replayed, the provisioning allowance (seconds, not rounded).
 */
export function worstCaseRtoFor(b: RecoveryBudget, cadenceHours: number): number {
  const baseSeconds = (b.databaseSizeGiB * 1024) / b.restoreRateMiBPerSec;
  return baseSeconds + (2 * cadenceHours * 3600 * (b.walRateMiBPerMin / 60)) / b.restoreRateMiBPerSec + provisionAllowanceSeconds;
}

/** Derive the plan for one environment's budget. Throws naming `environments.<env>.recovery.<field>`. */
export function recoveryPlan(env: EnvName, b: RecoveryBudget): RecoveryPlan {
  const field = (f: keyof RecoveryBudget) => `${contract}: environments.${env}.recovery.${f}`;
  for (const f of ['rpoSeconds', 'rtoSeconds', 'databaseSizeGiB', 'walRateMiBPerMin', 'restoreRateMiBPerSec'] as const)
    if (!Number.isFinite(b[f]) || b[f] <= 0) throw new Error(`${field(f)} is ${b[f]}; use a positive number`);

  const archiveTimeoutSeconds = Math.floor(b.rpoSeconds * archiveTimeoutShareOfRpo);
  if (archiveTimeoutSeconds < minArchiveTimeoutSeconds)
    throw new Error(
      `${field('rpoSeconds')} is ${b.rpoSeconds}: archive_timeout would be ${archiveTimeoutSeconds} s, under ${minArchiveTimeoutSeconds} s ` +
        `(a segment switch that often fills the bucket with empty segments); raise rpoSeconds to at least ${Math.ceil(minArchiveTimeoutSeconds / archiveTimeoutShareOfRpo)}`,
    );
  const shipSeconds = walSegmentMiB / b.restoreRateMiBPerSec;
  const worstCaseRpoSeconds = worstCaseRpoFor(b, archiveTimeoutSeconds);
  if (worstCaseRpoSeconds > b.rpoSeconds)
    throw new Error(
      `${field('restoreRateMiBPerSec')} is ${b.restoreRateMiBPerSec}: shipping one ${walSegmentMiB} MiB segment takes ${round1(shipSeconds)} s, ` +
        `so the worst-case RPO ${worstCaseRpoSeconds} s exceeds rpoSeconds ${b.rpoSeconds}; raise restoreRateMiBPerSec (a faster link to the bucket) or rpoSeconds`,
    );
  const walMiBPerSec = b.walRateMiBPerMin / 60;
  if (walMiBPerSec >= b.restoreRateMiBPerSec)
    throw new Error(
      `${field('walRateMiBPerMin')} is ${b.walRateMiBPerMin}: WAL is written as fast as a restore replays it (${b.restoreRateMiBPerSec} MiB/s), ` +
        `so the archive and any restore fall behind for ever; lower walRateMiBPerMin or raise restoreRateMiBPerSec`,
    );

  const baseSeconds = (b.databaseSizeGiB * 1024) / b.restoreRateMiBPerSec;
  const rtoFor = (cadenceHours: number) => worstCaseRtoFor(b, cadenceHours);
  const cadence = cadenceChoicesHours.find((h) => rtoFor(h) <= b.rtoSeconds);
  if (cadence === undefined) {
    const floor = Math.ceil(rtoFor(cadenceChoicesHours[cadenceChoicesHours.length - 1]!));
    throw new Error(
      `${field('rtoSeconds')} is ${b.rtoSeconds}: even hourly base backups give a worst-case restore of ${floor} s ` +
        `(${b.databaseSizeGiB} GiB at ${b.restoreRateMiBPerSec} MiB/s is ${Math.ceil(baseSeconds)} s before any WAL replay, plus ${provisionAllowanceSeconds} s provisioning); ` +
        `raise rtoSeconds to at least ${floor}, raise restoreRateMiBPerSec, or lower databaseSizeGiB`,
    );
  }
  const hours = Array.from({ length: 24 / cadence }, (_, i) => 2 + i * cadence).map((h) => h % 24).sort((x, y) => x - y);
  const retentionDays = Math.max(minRetentionDays, Math.ceil((2 * cadence) / 24));
  return {
    env,
    archiveTimeoutSeconds,
    backupCadenceHours: cadence,
    backupSchedule: `0 15 ${cadence === 1 ? '*' : hours.join(',')} * * *`,
    retentionPolicy: `${retentionDays}d`,
    worstCaseRpoSeconds,
    worstCaseRtoSeconds: Math.ceil(rtoFor(cadence)),
    failoverRpoSeconds: 0,
  };
}

/** The plan of every environment that declares a recovery budget, in contract order. */
export function recoveryPlans(): RecoveryPlan[] {
  return Object.values(environments).flatMap((e) => ('recovery' in e && e.recovery ? [recoveryPlan(e.name, e.recovery)] : []));
}

/** Worst-case RPO/RTO per environment, for the report: `{ env, rpoSeconds, rtoSeconds }`. */
export function worstCaseRecovery(): { env: EnvName; rpoSeconds: number; rtoSeconds: number; failoverRpoSeconds: 0 }[] {
  return recoveryPlans().map((p) => ({ env: p.env, rpoSeconds: p.worstCaseRpoSeconds, rtoSeconds: p.worstCaseRtoSeconds, failoverRpoSeconds: 0 }));
}
