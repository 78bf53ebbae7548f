// Findings after the checks, in both validate modes: located late (policies name a
// path, the locator finds its line), deduplicated, ordered and counted.
import { objectRef, type Finding, type RenderedObject, type Target } from '../../../kube/index.ts';
import { parsePath, type SourceLocator } from './locate.ts';
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


/** Give findings from later steps (policies, argocd) lines, when they name an object, a path and a file. */
export function locateLate(findings: Finding[], rendered: readonly RenderedObject[], locator: SourceLocator): Finding[] {
  const index = new Map<string, RenderedObject>();
  for (const r of rendered) index.set(`${r.target.name}\0${objectRef(r.object)}`, r);
  return findings.map((f) => {
    if (f.line || !f.path || !f.object || !f.target) return f;
    const r = index.get(`${f.target}\0${f.object}`);
    if (!r) return f;
    const pos = locator.locate(r.object, parsePath(f.path), f.file ?? r.origin, r.target.path);
    return pos ? { ...f, file: pos.file, line: pos.line, column: pos.column } : f;
  });
}

/**
 * The schema step already reports a removed apiVersion (the object cannot be
 * applied at all); drop the policy's second report of the same thing.
 */
export function dedupe(findings: Finding[]): Finding[] {
  const removed = new Set(findings.filter((f) => f.rule === 'schema' && f.path === 'apiVersion').map((f) => `${f.target}\0${f.object}`));
  // A value of the wrong type never reaches the API server's validation: the schema finding is the one.
  const mistyped = new Set(findings.filter((f) => f.rule === 'schema').map((f) => `${f.target}\0${f.object}\0${f.path}`));
  return findings.filter(
    (f) =>
      !(f.rule === 'gitops/no-deprecated-api' && f.severity === 'error' && removed.has(`${f.target}\0${f.object}`)) &&
      !(f.rule.startsWith('apiserver/') && mistyped.has(`${f.target}\0${f.object}\0${f.path}`)),
  );
}

