// Presentation helpers for the Argo CD CLIs: the preview table, PR fixture parsing.
import type { PullRequestFixture } from './generators.ts';
import type { PreviewResult } from './preview.ts';

export function formatPreviewTable(r: PreviewResult): string {
  const rows = [['APPLICATION', 'APPSET', 'PROJECT', 'REVISION', 'PATH', 'DESTINATION', 'OBJECTS', 'STATUS']];
  for (const a of [...r.applications].sort((x, y) => x.name.localeCompare(y.name))) {
    const s = a.application.spec ?? {};
    rows.push([
      a.name,
      a.appSet ?? '-',
      a.project,
      `${s.source?.targetRevision ?? ''}${a.readFrom ? ` (${a.readFrom})` : ''}`,
      s.source?.path ?? '',
      `${(s.destination?.server ?? s.destination?.name ?? '').replace(/^https?:\/\//, '')}/${s.destination?.namespace ?? ''}`,
      a.objects === undefined ? '-' : String(a.objects),
      a.problems.length ? a.problems.join(',') : 'ok',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** Validate a parsed PR fixture file (a list of PullRequestFixture). Throws naming the entry and field. */
export function parsePullRequests(data: unknown, file: string): PullRequestFixture[] {
  const list = data && typeof data === 'object' && !Array.isArray(data) && 'pullRequests' in data ? (data as any).pullRequests : data;
  if (!Array.isArray(list)) throw new Error(`${file}: expected a list of pull requests (or { pullRequests: [...] })`);
  return list.map((pr, i) => {
    const at = `${file}: pullRequests[${i}]`;
    if (!pr || typeof pr !== 'object') throw new Error(`${at}: must be an object`);
    if (!Number.isInteger(pr.number) || pr.number < 0) throw new Error(`${at}.number: a non-negative integer is required`);
    for (const k of ['branch', 'targetBranch', 'headSha'] as const) if (typeof pr[k] !== 'string' || !pr[k]) throw new Error(`${at}.${k}: a string is required`);
    if (pr.labels !== undefined && (!Array.isArray(pr.labels) || pr.labels.some((l: unknown) => typeof l !== 'string'))) throw new Error(`${at}.labels: a list of strings`);
    if (pr.state !== undefined && !['open', 'closed', 'merged'].includes(pr.state)) throw new Error(`${at}.state: open, closed or merged`);
    const known = new Set(['number', 'title', 'branch', 'targetBranch', 'headSha', 'author', 'labels', 'state']);
    const extra = Object.keys(pr).filter((k) => !known.has(k));
    if (extra.length) throw new Error(`${at}: unknown field ${extra[0]} (known: ${[...known].join(', ')})`);
    return pr as PullRequestFixture;
  });
}
