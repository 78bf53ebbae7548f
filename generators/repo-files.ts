// Generated files outside base/ and argocd/: CODEOWNERS and the docs tables,
// derived from the environment contract so they never disagree with it.
import { environments, clusters, repository } from './environments.ts';
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

export function repoFiles(): Record<string, string> {
  return { '.github/CODEOWNERS': codeowners(), 'docs/environments.md': environmentsTable() };
}
