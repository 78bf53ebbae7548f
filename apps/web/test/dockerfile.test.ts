// apps/web/Dockerfile cannot be built here (no Docker engine; CI builds it), so check what
// would break it: pinned bases, and a site stage that really runs with plain Node 22
// (type stripping: erasable syntax only, node: built-ins and files the stage copies).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';

const repo = new URL('../../../', import.meta.url).pathname;
const dockerfile = readFileSync(join(repo, 'apps/web/Dockerfile'), 'utf8');

/** Relative .ts files reachable from `entry` by static imports; throws on a bare (npm) import. */
function importClosure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const src = readFileSync(join(repo, entry), 'utf8');
  for (const [, spec] of src.matchAll(/^\s*import\s(?:type\s)?[^'"]*['"]([^'"]+)['"]/gm)) {
    if (spec!.startsWith('node:')) continue;
    if (!spec!.startsWith('.')) throw new Error(`${entry} imports ${spec}: the image's site stage has no node_modules`);
    importClosure(relative(repo, join(repo, dirname(entry), spec!)), seen);
  }
  return seen;
}

describe('apps/web/Dockerfile', () => {
  it('pins every base image to an exact version', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    assert.equal(froms.length, 2);
    for (const image of froms) assert.match(image, /:\d+\.\d+\.\d+-[a-z0-9.-]+$/, `${image} is not an exact tag`);
    assert.match(froms[1]!, /nginx-unprivileged/);
  });

  it('copies every file the assemble step imports, and nothing needs npm', () => {
    const files = importClosure('apps/web/src/assemble.ts');
    assert.deepEqual([...files].sort(), ['apps/web/src/assemble.ts', 'apps/web/src/policy.ts']);
    const copied = dockerfile.match(/^COPY apps\/web\/src\/.*$/m)![0];
    for (const f of files) assert.ok(copied.includes(f), `Dockerfile copies ${f}`);
    assert.match(dockerfile, /^COPY apps\/web\/package\.json /m, 'package.json "type": "module" makes the .ts files ESM');
    assert.match(dockerfile, /^RUN node apps\/web\/src\/assemble\.ts \/site$/m);
  });

  it('uses only syntax Node can strip (no enums, namespaces, parameter properties; explicit type imports)', () => {
    const tsc = join(repo, 'node_modules/.bin/tsc');
    const r = spawnSync(
      tsc,
      ['--noEmit', '--strict', '--erasableSyntaxOnly', '--verbatimModuleSyntax', '--allowImportingTsExtensions',
        '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node',
        ...importClosure('apps/web/src/assemble.ts')],
      { cwd: repo, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('keeps nginx unprivileged with a graceful stop signal', () => {
    assert.match(dockerfile, /^USER 101$/m);
    assert.match(dockerfile, /^STOPSIGNAL SIGQUIT$/m);
    assert.match(dockerfile, /^EXPOSE 8080$/m);
    assert.doesNotMatch(dockerfile, /^HEALTHCHECK/m);
  });
});
