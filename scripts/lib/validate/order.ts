// How findings are ordered and counted (both validate modes).
import type { Finding, Target } from '../../../kube/index.ts';
import type { Summary } from './output.ts';

export const byWhere = (a: Finding, b: Finding): number =>
  (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
  (a.file ?? '').localeCompare(b.file ?? '') ||
  (a.line ?? 0) - (b.line ?? 0) ||
  (a.target ?? '').localeCompare(b.target ?? '') ||
  String(a.message ?? '').localeCompare(String(b.message ?? ''));

export function summarize(findings: Finding[], targets: Target[], resources: number, started: number): Summary {
  return {
    environments: targets.filter((t) => t.kind === 'env').length,
    targets: targets.length,
    resources,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    seconds: (performance.now() - started) / 1000,
  };
}

