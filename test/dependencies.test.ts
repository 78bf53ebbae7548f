// The dependency rules between the repository's folders, read from the imports
// themselves (static, dynamic and `new URL(…, import.meta.url)` file reads):
// - services (apps/*/src) import only @marquee/* workspaces, npm packages and their own files;
// - apps/contract is the neutral package: it imports nothing of the repository but itself;
// - kube/ (the object vocabulary) imports only kube/, apps/contract and the environment contract's types;
// - generators never import or read scripts/; policies never import scripts/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { repoRoot } from './helpers/repo-copy.ts';
import { referencesOf } from '../scripts/lib/plumbing/code.ts';
import { modulesBlock, modulesBlockEnd, modulesBlockStart } from '../scripts/lib/report/modules.ts';

interface Rule {
  readonly name: string;
  /** Repo-relative files the rule is about. */
  readonly applies: (file: string) => boolean;
  /** The rule is about file reads too, not only imports. */
  readonly reads?: boolean;
  /** Why a reference (a repo-relative path for relative ones, else the bare specifier) is not allowed, or undefined. */
  readonly refuse: (ref: string, file: string, bare: boolean) => string | undefined;
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const appOf = (file: string) => /^apps\/([^/]+)\//.exec(file)?.[1];

const rules: readonly Rule[] = [
  {
    name: 'services import only @marquee/* workspaces, npm packages and their own files',
    applies: (f) => /^apps\/[^/]+\/src\//.test(f),
    refuse: (ref, file, bare) => (bare ? undefined : appOf(ref) === appOf(file) ? undefined : `reaches outside apps/${appOf(file)}/ (${ref})`),
  },
  {
    name: 'apps/contract imports nothing of the repository but itself',
    applies: (f) => f.startsWith('apps/contract/'),
    refuse: (ref, _f, bare) => (bare ? (ref.startsWith('@marquee/') ? `imports the workspace ${ref}` : undefined) : ref.startsWith('apps/contract/') ? undefined : `imports ${ref}`),
  },
  {
    name: 'kube/ imports only kube/, apps/contract and the environment contract',
    applies: (f) => f.startsWith('kube/'),
    refuse: (ref, _f, bare) => (bare || ref.startsWith('kube/') || ref === 'generators/environments.ts' ? undefined : `imports ${ref}`),
  },
  {
    name: 'generators never import or read scripts/',
    applies: (f) => f.startsWith('generators/'),
    reads: true,
    refuse: (ref, _f, bare) => (!bare && ref.startsWith('scripts/') ? `imports or reads ${ref}` : undefined),
  },
  {
    name: 'policies never import scripts/',
    applies: (f) => f.startsWith('policies/'),
    refuse: (ref, _f, bare) => (!bare && ref.startsWith('scripts/') ? `imports ${ref}` : undefined),
  },
];

/** Violations of the rules by one file's text. */
export function violations(file: string, text: string): string[] {
  const out: string[] = [];
  for (const rule of rules.filter((r) => r.applies(file)))
    for (const { spec, read } of referencesOf(text)) {
      if (builtins.has(spec) || (read && !rule.reads)) continue;
      const bare = !spec.startsWith('.') && !spec.startsWith('/');
      const ref = bare ? spec : relative(repoRoot, resolve(repoRoot, dirname(file), spec));
      const why = rule.refuse(ref, file, bare);
      if (why) out.push(`${file}: ${why} — rule: ${rule.name}`);
    }
  return out;
}

const sources = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '--', 'apps', 'generators', 'policies', 'kube', 'scripts'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|mts|mjs|js)$/.test(f) && !f.includes('node_modules'));

describe('dependency rules', () => {
  it('the checker sees every form of import and refuses each rule’s violation', () => {
    assert.deepEqual(referencesOf(`import a from './a.ts';\nimport type { B } from "../b.ts";\nexport { c } from './c.ts';\nconst d = await import('../d.ts');\nimport './e.ts';\nreadFileSync(new URL('../scripts/backup/x.sh', import.meta.url));`).map((r) => r.spec), [
      './a.ts', '../b.ts', './c.ts', '../d.ts', './e.ts', '../scripts/backup/x.sh',
    ]);
    assert.match(violations('generators/postgres.ts', `readFileSync(new URL('../scripts/backup/pg-backup.sh', import.meta.url))`).join(), /generators never import or read scripts/);
    assert.match(violations('policies/x/y.ts', `import { Y } from '../../scripts/lib/plumbing/yaml.ts';`).join(), /policies never import scripts/);
    assert.match(violations('apps/billing/src/a.ts', `import { x } from '../../kit/src/index.ts';`).join(), /reaches outside apps\/billing/);
    assert.match(violations('apps/contract/src/index.ts', `import { x } from '@marquee/kit';`).join(), /imports the workspace @marquee\/kit/);
    assert.match(violations('kube/object.ts', `import { x } from '../policies/index.ts';`).join(), /kube\/ imports only/);
    assert.deepEqual(violations('apps/billing/src/a.ts', `import { x } from '@marquee/kit';\nimport fastify from 'fastify';\nimport { y } from './y.ts';\nimport { readFileSync } from 'node:fs';`), []);
  });

  it(`hold for every source file (${sources.length} read)`, () => {
    assert.ok(sources.length > 100, `only ${sources.length} source files found: is git ls-files working here?`);
    const found = sources.flatMap((f) => violations(f, readFileSync(join(repoRoot, f), 'utf8')));
    assert.deepEqual(found, []);
  });

  it('the picture of the parts in docs/architecture.md is the one the code draws', async () => {
    const doc = readFileSync(join(repoRoot, 'docs/architecture.md'), 'utf8');
    const block = doc.slice(doc.indexOf(modulesBlockStart), doc.indexOf(modulesBlockEnd) + modulesBlockEnd.length);
    assert.equal(block, await modulesBlock(repoRoot), 'docs/architecture.md is stale: npm run report -- --update-docs');
  });
});
