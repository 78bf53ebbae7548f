// Shared by the monitoring tests: the committed generated files, the alert list,
// promtool unit-test documents built from the cases, and process helpers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { isAlert, ruleGroups, runbookBase, type AlertRule } from '../../generators/monitoring/alerts.ts';
import { ruleFileName } from '../../generators/monitoring/prometheus.ts';
import type { AlertCase } from './alert-cases.ts';

export const root = new URL('../../', import.meta.url).pathname;
export const promDir = join(root, 'base/monitoring/prometheus');
export const amDir = join(root, 'base/monitoring/alertmanager');
export const committedRuleFiles = (): string[] => ruleGroups().map((g) => join(promDir, ruleFileName(g)));

export const alertRules = (): AlertRule[] => ruleGroups().flatMap((g) => g.rules.filter(isAlert));

/** A rule's identity for the case tables: its name, plus the windows when several rules share it. */
export function ruleKey(r: AlertRule, all = alertRules()): string {
  const shared = all.filter((x) => x.alert === r.alert).length > 1;
  return shared ? `${r.alert}[${r.labels?.long_window}/${r.labels?.short_window}]` : r.alert;
}

export function run(cmd: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const tempDirs: string[] = [];
process.once('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A temp dir removed when the test process exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `marquee-${prefix}-`));
  tempDirs.push(d);
  return d;
}

export const readText = (p: string) => readFileSync(p, 'utf8');

/** Expand `{{ $labels.x }}` exactly as Prometheus renders it for these labels. */
export const expand = (template: string, labels: Record<string, string>) =>
  template.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? '<no value>');

/** The rule an expected alert belongs to (by name and, for shared names, its static labels). */
function ruleFor(alert: string, labels: Record<string, string>): AlertRule {
  const candidates = alertRules().filter(
    (r) => r.alert === alert && Object.entries(r.labels ?? {}).every(([k, v]) => labels[k] === v),
  );
  if (candidates.length !== 1) throw new Error(`no unique rule ${alert} for labels ${JSON.stringify(labels)}`);
  return candidates[0]!;
}

/** One promtool `tests:` entry checking every alert named `alert` at the case's eval time. */
export function promtoolTest(name: string, alert: string, c: AlertCase): unknown {
  return {
    name,
    interval: c.interval ?? '1m',
    input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
    alert_rule_test: [
      {
        eval_time: c.evalTime,
        alertname: alert,
        exp_alerts: c.firing.map((l) => {
          const rule = ruleFor(alert, l);
          const labels = { ...l, severity: rule.severity, ...rule.labels };
          return {
            exp_labels: labels,
            exp_annotations: {
              summary: expand(rule.summary, labels),
              description: expand(rule.description, labels),
              runbook_url: `${runbookBase}#${rule.runbook}`,
            },
          };
        }),
      },
    ],
  };
}

/** A promtool test-rules document over the committed rule files. */
export function promtoolTestFile(evaluationInterval: string, tests: unknown[]): string {
  return stringify({ rule_files: committedRuleFiles(), evaluation_interval: evaluationInterval, tests }, { lineWidth: 0 });
}
