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

test('apps/node.Dockerfile runs each image\'s TypeScript entry with node directly, as uid 1000, without HEALTHCHECK', async () => {
  const { existsSync, readFileSync } = await import('node:fs');
  const d = readFileSync(join(root, 'apps/node.Dockerfile'), 'utf8');
  const froms = [...d.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => ({ base: m[1]!, name: m[2] }));
  const stages = new Set(froms.map((f) => f.name));
  for (const f of froms) if (!stages.has(f.base) && f.base !== '${APP}') assert.match(f.base, /^node:22\.\d+\.\d+-/, `Node 22 pinned to an exact version (${f.base})`);
  assert.equal(froms.at(-1)!.base, '${APP}', 'the last stage is the one APP names');
  assert.match(d, /^ARG APP$/m, 'APP is a global build argument (before the first FROM)');
  assert.ok(d.search(/^ARG APP$/m) < d.search(/^FROM /m), 'ARG APP comes before the first FROM');
  assert.match(d, /^USER 1000:1000$/m, 'non-root');
  assert.match(d, /npm ci --omit=dev .*--workspace "@marquee\/\$APP"/, 'only the image\'s workspace, no dev dependencies');
  assert.doesNotMatch(d, /^HEALTHCHECK/m, 'Kubernetes probes, not HEALTHCHECK');
  for (const app of ['inventory', 'api-gateway', 'billing']) {
    const stage = d.slice(d.indexOf(`AS ${app}\n`)).split(/^FROM /m)[0]!;
    assert.ok(d.includes(`AS ${app}\n`), `a stage for ${app}`);
    const cmd = /^CMD \["node", "(src\/[\w-]+\.ts)"\]$/m.exec(stage);
    assert.ok(cmd && existsSync(join(root, 'apps', app, cmd[1]!)), `${app}: CMD runs one of its sources with node`);
    for (const m of d.matchAll(/^COPY (?!--from)(\S+)/gm)) {
      const src = m[1]!.replace(/\/$/, '').replace('${APP}', app);
      assert.ok(spawnSync('test', ['-e', join(root, src)]).status === 0, `${app}: COPY source ${src} exists`);
    }
    if (existsSync(join(root, 'apps', app, 'migrations')))
      assert.match(stage, new RegExp(`^COPY apps/${app}/migrations /app/apps/${app}/migrations$`, 'm'), `${app}: migrations ship for node src/migrate.ts`);
  }
});
