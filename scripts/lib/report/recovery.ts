// The report's recovery section: per environment, the worst-case RPO and RTO the generated
// PostgreSQL configuration gives (generators/recovery-budget.ts worstCaseRecovery(), the same
// arithmetic that sets archive_timeout and the backup cadence) next to the budget's targets.
import { environments, type EnvName } from '../../../generators/environments.ts';
import { recoveryPlans, worstCaseRecovery } from '../../../generators/recovery-budget.ts';
import { esc } from './html.ts';

export interface RecoveryRow {
  readonly env: EnvName;
  /** Absent for an environment without a recovery budget (dev: disposable data). */
  readonly budget?: {
    readonly rpoSeconds: number;
    readonly rtoSeconds: number;
    readonly worstCaseRpoSeconds: number;
    readonly worstCaseRtoSeconds: number;
    /** Acknowledged commits lost when a node or zone fails (synchronous replication). */
    readonly failoverRpoSeconds: number;
    readonly archiveTimeoutSeconds: number;
    readonly backupCadenceHours: number;
    readonly retention: string;
  };
}

/** One row per environment, in contract (promotion) order. */
export function recoveryRows(): RecoveryRow[] {
  const worst = new Map(worstCaseRecovery().map((w) => [w.env, w]));
  const plans = new Map(recoveryPlans().map((p) => [p.env, p]));
  return Object.values(environments).map((e): RecoveryRow => {
    const w = worst.get(e.name);
    const p = plans.get(e.name);
    const b = 'recovery' in e ? e.recovery : undefined;
    if (!w || !p || !b) return { env: e.name };
    return {
      env: e.name,
      budget: {
        rpoSeconds: b.rpoSeconds,
        rtoSeconds: b.rtoSeconds,
        worstCaseRpoSeconds: w.rpoSeconds,
        worstCaseRtoSeconds: w.rtoSeconds,
        failoverRpoSeconds: w.failoverRpoSeconds,
        archiveTimeoutSeconds: p.archiveTimeoutSeconds,
        backupCadenceHours: p.backupCadenceHours,
        retention: p.retentionPolicy,
      },
    };
  });
}

const fits = (value: number, target: number) => `${esc(value)} s <small class="muted">${esc(value <= target ? '≤' : '>')} target ${esc(target)} s</small>`;

/** The section body: a table, one row per environment. */
export function recoveryHtml(rows: readonly RecoveryRow[] = recoveryRows()): string {
  const body = rows
    .map((r) =>
      r.budget
        ? `<tr><th>${esc(r.env)}</th><td>${fits(r.budget.worstCaseRpoSeconds, r.budget.rpoSeconds)}</td><td>${fits(r.budget.worstCaseRtoSeconds, r.budget.rtoSeconds)}</td>` +
          `<td>${esc(r.budget.failoverRpoSeconds)} s</td><td>${esc(r.budget.archiveTimeoutSeconds)} s</td><td>every ${esc(r.budget.backupCadenceHours)} h, kept ${esc(r.budget.retention)}</td></tr>`
        : `<tr><th>${esc(r.env)}</th><td colspan="5" class="muted">no recovery budget: a single PostgreSQL with a nightly dump (disposable data)</td></tr>`,
    )
    .join('');
  return (
    `<p class="muted">Worst case computed from each environment's recovery budget (generators/environments.ts) by generators/recovery-budget.ts; ` +
    `the drilled figures and how to rerun them are in docs/data.md (<code>npm run dr:drill</code>).</p>` +
    `<table id="recovery-table"><thead><tr><th>environment</th><th>region loss: worst-case RPO</th><th>region loss: worst-case RTO</th>` +
    `<th>node/zone loss: RPO</th><th>archive_timeout</th><th>base backups</th></tr></thead><tbody>${body}</tbody></table>`
  );
}
