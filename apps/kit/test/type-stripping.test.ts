// The images run the TypeScript sources with Node 22's type stripping (no compile step), which
// only accepts erasable syntax (no enums, namespaces, parameter properties) and needs type-only
// imports marked `type`. This machine has Node 20, so tsc checks exactly those rules instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** Everything that runs inside the inventory, api-gateway and billing images. */
const imageSources = ['apps/contract/src', 'apps/kit/src', 'apps/inventory/src', 'apps/api-gateway/src', 'apps/billing/src'];

test('image sources use only erasable TypeScript with explicit type-only imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-strip-'));
  try {
    const tsconfig = join(dir, 'tsconfig.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { erasableSyntaxOnly: true, verbatimModuleSyntax: true, typeRoots: [join(root, 'node_modules/@types')] },
        include: imageSources.map((s) => join(root, s)),
      }),
    );
    const r = spawnSync(join(root, 'node_modules/.bin/tsc'), ['--noEmit', '-p', tsconfig], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Dockerfiles run their TypeScript entry with node directly, as uid 1000, without HEALTHCHECK', async () => {
  const { existsSync, readFileSync } = await import('node:fs');
  for (const app of ['inventory', 'api-gateway', 'billing']) {
    const d = readFileSync(join(root, 'apps', app, 'Dockerfile'), 'utf8');
    const froms = [...d.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
    assert.ok(froms.length >= 2, `${app}: multi-stage`);
    for (const f of froms) assert.match(f, /^node:22\.\d+\.\d+-/, `${app}: Node 22 pinned to an exact version (${f})`);
    assert.match(d, /^USER 1000:1000$/m, `${app}: non-root`);
    const cmd = /^CMD \["node", "(src\/[\w-]+\.ts)"\]$/m.exec(d);
    assert.ok(cmd && existsSync(join(root, 'apps', app, cmd[1]!)), `${app}: CMD runs one of its sources with node`);
    assert.match(d, /npm ci --omit=dev/, `${app}: no dev dependencies`);
    assert.doesNotMatch(d, /^HEALTHCHECK/m, `${app}: Kubernetes probes, not HEALTHCHECK`);
    for (const m of d.matchAll(/^COPY (?!--from)(\S+)/gm)) {
      const src = m[1]!.replace(/\/$/, '');
      assert.ok(spawnSync('test', ['-e', join(root, src)]).status === 0, `${app}: COPY source ${src} exists`);
    }
    if (existsSync(join(root, 'apps', app, 'migrations')))
      assert.match(d, new RegExp(`^COPY apps/${app}/migrations `, 'm'), `${app}: migrations ship for node src/migrate.ts`);
  }
});
