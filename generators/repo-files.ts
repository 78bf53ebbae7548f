// Generated files outside base/ and argocd/: CODEOWNERS and the docs tables, and the
// generated regions of the files that name the environment chain (README, workflows,
// docs/delivery.md), derived from the environment contract so they never disagree with it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environments, clusters, repository, type Environment } from './environments.ts';
import { headerFor } from './lib/component.ts';

const source = 'generators/repo-files.ts';

export function codeowners(): string {
  const lines = [headerFor(source).trimEnd(), `* ${repository.platformTeam}`];
  lines.push(`/generators/ ${repository.platformTeam}`, `/policies/ ${repository.platformTeam}`);
  for (const env of Object.values(environments)) lines.push(`/${env.overlay}/ ${env.owners.join(' ')}`);
  lines.push(`/overlays/platform/ ${repository.platformTeam}`);
  return lines.join('\n') + '\n';
}

export function environmentsTable(): string {
  const rows = Object.values(environments).map(
    (e) =>
      `| ${e.name} | \`${e.branch}\` | \`${e.namespace}\` | ${e.cluster} (${clusters[e.cluster].server}) | ${e.replicas.min}–${e.replicas.max} | ${e.resources} | ${e.ingressHost} | ${e.sync.automated ? 'auto (prune, selfHeal)' : 'manual'} | ${e.owners.join(', ')} |`,
  );
  return [
    headerFor(source, '<!--').trimEnd() + ' -->',
    '',
    '# Environments',
    '',
    'Derived from `generators/environments.ts`; regenerate with `npm run generate`.',
    '',
    '| env | branch | namespace | cluster | replicas (gateway, APIs) | resources | ingress host | sync | owners |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Whole generated files, and (given the repository root) hand-written files with their generated regions. */
export function repoFiles(root?: string): Record<string, string> {
  return { '.github/CODEOWNERS': codeowners(), 'docs/environments.md': environmentsTable(), ...(root ? regionFiles(root) : {}) };
}

// Regions of hand-written files that name the environment chain: the text between a
// `BEGIN generated: <name>` and an `END generated: <name>` line is derived from the
// contract; everything else in the file stays the author's. Drift names file and line.

/** The promotion chain in contract order, and its steps (`dev-to-test`, …). */
const chain = (): Environment[] => Object.values(environments);
export const promotionSteps = (): { from: string; to: string; id: string }[] =>
  chain()
    .slice(1)
    .map((e, i) => ({ from: chain()[i]!.name, to: e.name, id: `${chain()[i]!.name}-to-${e.name}` }));
const branchList = (): string => `[${chain().map((e) => e.branch).join(', ')}]`;

export const regions: Readonly<Record<string, () => Record<string, string>>> = {
  'README.md': () => ({
    'environments table': [
      '| env | branch | namespace | cluster |',
      '|---|---|---|---|',
      ...chain().map((e) => `| ${e.name} | \`${e.branch}\` | \`${e.namespace}\` | ${e.cluster} |`),
    ].join('\n'),
  }),
  'docs/delivery.md': () => {
    const envs = chain();
    let top = 'feature/* ──PR──▶ ';
    let bottom = ' '.repeat(top.length);
    envs.forEach((e, i) => {
      const cell = i < envs.length - 1 ? `${e.branch} ──promote──▶ ` : e.branch;
      top += cell;
      bottom += `(${e.name})`.padEnd(cell.length);
    });
    const [first, last] = [envs[0]!, envs[envs.length - 1]!];
    return {
      'promotion chain': [
        '```',
        top,
        bottom.trimEnd(),
        `     └─ label "preview" ─▶ marquee-pr-<number> (${first.cluster} cluster)`,
        `hotfix/* ──PR──▶ ${last.branch}, then back-merged: ${[...envs].reverse().map((e) => e.branch).join(' ⊆ ')} (by content, see below)`,
        '```',
      ].join('\n'),
    };
  },
  '.github/workflows/promote.yml': () => ({
    'promotion choices': `        options: [${promotionSteps().map((s) => s.id).join(', ')}]`,
    'environment branches': `          for b in ${chain().map((e) => e.branch).join(' ')}; do`,
  }),
  '.github/workflows/pull-request.yml': () => ({
    'environment branches': ['on:', '  pull_request:', `    branches: ${branchList()}`, '  push:', `    branches: ${branchList()}`].join('\n'),
  }),
};

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replace each named region of `text` (a file at `path`) with its generated body; throws naming the file and region when a marker is missing. */
export function spliceRegions(path: string, text: string, bodies: Record<string, string>): string {
  let lines = text.split('\n');
  for (const [name, body] of Object.entries(bodies)) {
    const begin = lines.findIndex((l) => new RegExp(`BEGIN generated: ${escapeRe(name)}\\b`).test(l));
    const end = lines.findIndex((l, i) => i > begin && new RegExp(`END generated: ${escapeRe(name)}\\b`).test(l));
    if (begin < 0 || end < 0)
      throw new Error(`${path}: the generated region "${name}" is missing; put its lines between "BEGIN generated: ${name}" and "END generated: ${name}" comment lines (${source})`);
    lines = [...lines.slice(0, begin + 1), ...body.split('\n'), ...lines.slice(end)];
  }
  return lines.join('\n');
}

/** The hand-written files with their generated regions brought up to date, read from `root`. */
export function regionFiles(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, bodies] of Object.entries(regions)) {
    const file = join(root, path);
    if (!existsSync(file)) throw new Error(`${path}: missing; it holds generated regions (${source})`);
    out[path] = spliceRegions(path, readFileSync(file, 'utf8'), bodies());
  }
  return out;
}
