// Files generated outside base/ (generators/repo-files.ts): CODEOWNERS and docs/environments.md
// must say what the environment contract says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusters, envNames, environments, repository } from '../../generators/environments.ts';
import { headerFor } from '../../generators/lib/component.ts';
import { codeowners, environmentsTable, repoFiles } from '../../generators/repo-files.ts';

const source = 'generators/repo-files.ts';

/** CODEOWNERS rules in order: [pattern, owners]. */
const rules = (text: string): [string, string[]][] =>
  text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [pattern, ...owners] = l.trim().split(/\s+/);
      return [pattern!, owners];
    });

/** The subset of gitignore-style patterns this file uses; anything else fails the test rather than guessing. */
const matches = (pattern: string, path: string): boolean => {
  if (pattern === '*') return true;
  if (pattern.startsWith('/') && pattern.endsWith('/')) return `/${path}`.startsWith(pattern);
  throw new Error(`CODEOWNERS pattern ${pattern} is not understood by this test: extend matches()`);
};
/** GitHub: the last matching pattern wins. */
const ownersOf = (text: string, path: string): string[] | undefined => rules(text).filter(([p]) => matches(p, path)).at(-1)?.[1];

describe('CODEOWNERS', () => {
  const text = codeowners();

  it('starts with the generated header naming generators/repo-files.ts', () => {
    assert.equal(text.split('\n')[0], headerFor(source).trimEnd());
  });

  it('has one line per environment overlay, with that environment\'s owners from the contract', () => {
    for (const env of Object.values(environments)) {
      const lines = rules(text).filter(([p]) => p === `/${env.overlay}/`);
      assert.equal(lines.length, 1, `one line for /${env.overlay}/`);
      assert.deepEqual(lines[0]![1], [...env.owners]);
      // ...and no later line takes the overlay back (last match wins).
      for (const file of [`${env.overlay}/kustomization.yaml`, `${env.overlay}/services/kustomization.yaml`])
        assert.deepEqual(ownersOf(text, file), [...env.owners], `owners of ${file}`);
    }
    assert.equal(rules(text).filter(([p]) => /^\/overlays\/(dev|test|prod)\/$/.test(p)).length, envNames.length);
  });

  it('prod belongs to the platform team; the platform team owns the rest by default', () => {
    assert.deepEqual(ownersOf(text, 'overlays/prod/services/kustomization.yaml'), [repository.platformTeam]);
    assert.deepEqual(ownersOf(text, 'generators/services.ts'), [repository.platformTeam]);
    assert.deepEqual(ownersOf(text, 'overlays/platform/nonprod/kustomization.yaml'), [repository.platformTeam]);
    assert.deepEqual(rules(text)[0], ['*', [repository.platformTeam]], 'the catch-all comes first, so every later line overrides it');
  });

  it('every owner is an @org/team handle', () => {
    for (const [, owners] of rules(text)) {
      assert.ok(owners.length >= 1);
      for (const o of owners) assert.match(o, /^@[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/);
    }
  });
});

describe('docs/environments.md', () => {
  const text = environmentsTable();
  const tableLines = text.split('\n').filter((l) => l.startsWith('|'));
  const cells = (line: string) => line.slice(1, -1).split('|').map((c) => c.trim());
  const header = cells(tableLines[0]!);
  const rows = tableLines.slice(2).map(cells);
  const col = (row: string[], name: string) => {
    const i = header.indexOf(name);
    assert.ok(i >= 0, `column ${name} in ${header.join(', ')}`);
    return row[i]!;
  };

  it('is a generated markdown page naming its generator', () => {
    assert.equal(text.split('\n')[0], `${headerFor(source, '<!--').trimEnd()} -->`);
    assert.match(tableLines[1]!, /^\|(---\|)+$/);
    assert.ok(rows.every((r) => r.length === header.length), 'every row has every column');
  });

  it('has one row per environment with its branch, namespace and the rest of the contract', () => {
    assert.deepEqual(rows.map((r) => col(r, 'env')), envNames);
    for (const row of rows) {
      const env = environments[col(row, 'env') as keyof typeof environments];
      assert.equal(col(row, 'branch'), `\`${env.branch}\``);
      assert.equal(col(row, 'namespace'), `\`${env.namespace}\``);
      assert.equal(col(row, 'cluster'), `${env.cluster} (${clusters[env.cluster].server})`);
      assert.equal(col(row, 'replicas (gateway, APIs)'), `${env.replicas.min}–${env.replicas.max}`);
      assert.equal(col(row, 'resources'), env.resources);
      assert.equal(col(row, 'ingress host'), env.ingressHost);
      assert.equal(col(row, 'owners'), env.owners.join(', '));
    }
  });
});

describe('repoFiles()', () => {
  it('writes exactly CODEOWNERS and the environments page, deterministically', () => {
    const a = repoFiles();
    assert.deepEqual(Object.keys(a).sort(), ['.github/CODEOWNERS', 'docs/environments.md']);
    assert.deepEqual(repoFiles(), a);
    assert.equal(a['.github/CODEOWNERS'], codeowners());
    assert.equal(a['docs/environments.md'], environmentsTable());
  });
});
