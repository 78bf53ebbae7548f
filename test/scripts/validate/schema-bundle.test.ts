// The bundled compiled schemas (scripts/lib/validate/schema-bundle.ts) against the model packages' own modules: every
// kind the field tree names has a bundled module, and each gives the packages' verdict and errors on every object of
// the real-manifest corpus and the repository's bases, as they are and broken; validate loads them with the code caches
// its runs write (kube/code-cache.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { loadAll } from 'js-yaml';
import { loadFieldTree } from '../../../scripts/lib/validate/field-tree.ts';
import { buildSchemaBundle, loadSchemaModule, schemaBundleHome, schemaModules, sourcePackages } from '../../../scripts/lib/validate/schema-bundle.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

type Validate = ((o: unknown) => boolean) & { errors?: unknown };

/** Every object of the YAML files under `dir` (Lists' items one by one). */
function objectsUnder(dir: string): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (!/\.ya?ml$/.test(f)) continue;
    let docs: unknown[];
    try {
      docs = loadAll(readFileSync(join(dir, f), 'utf8'), undefined, {});
    } catch {
      continue;
    }
    for (const d of docs as Record<string, any>[]) {
      if (!d || typeof d !== 'object') continue;
      out.push(...(Array.isArray(d.items) ? d.items : [d]));
    }
  }
  return out;
}

test('every kind has a bundled schema module, giving the packages\' verdicts and errors on real objects, whole and broken', async () => {
  const tree = await loadFieldTree();
  await buildSchemaBundle(tree);
  const moduleOf = schemaModules();
  const kinds = Object.keys(tree.kinds);
  for (const k of kinds) {
    const url = moduleOf(tree.kinds[k]!.schema);
    assert.ok(url.startsWith(pathToFileURL(schemaBundleHome).href), `${k}: not bundled`);
    assert.ok(url.endsWith('.cjs'), `${k}: the bundle's module is CommonJS, to require (${url})`);
  }

  const objects = [...objectsUnder(join(repoRoot, 'test/corpus/real-manifests')), ...objectsUnder(join(repoRoot, 'base'))];
  const byKind = new Map<string, Record<string, any>[]>();
  for (const o of objects) {
    const k = `${o.apiVersion}/${o.kind}`;
    if (tree.kinds[k]) byKind.set(k, [...(byKind.get(k) ?? []), o]);
  }
  assert.ok(byKind.size >= 25, `only ${byKind.size} kinds met`);
  let compared = 0;
  let failing = 0;
  for (const [k, list] of byKind) {
    const own = ((await import(pathToFileURL(tree.kinds[k]!.schema).href)) as { validate: Validate }).validate;
    const bundled = (await loadSchemaModule(moduleOf(tree.kinds[k]!.schema), tree.kinds[k]!.schema)) as Validate;
    assert.notEqual(own, bundled, `${k}: the bundle's module is the package's`);
    for (const o of list) {
      // as it is, and broken where every kind has fields: metadata and (where there is one) spec of the wrong type
      for (const v of [o, { ...o, metadata: { ...o.metadata, labels: 'x' } }, { ...o, spec: 7 }, { ...o, apiVersion: 1 }]) {
        const a = own(v);
        const errorsA = JSON.stringify(own.errors);
        const b = bundled(v);
        assert.equal(b, a, `${k} ${o.metadata?.name}`);
        assert.equal(JSON.stringify(bundled.errors), errorsA, `${k} ${o.metadata?.name}`);
        compared++;
        if (!a) failing++;
      }
    }
  }
  assert.ok(compared > 1500 && failing > compared / 3, `${compared} compared, ${failing} failing`);
});

test('the bundle names no path of the checkout that built it (a copied checkout loads its own packages)', () => {
  const dirs = readdirSync(schemaBundleHome).filter((d) => !d.includes('.build-'));
  assert.equal(dirs.length, 1, dirs.join(' '));
  for (const f of readdirSync(join(schemaBundleHome, dirs[0]!))) {
    const text = readFileSync(join(schemaBundleHome, dirs[0]!, f), 'utf8');
    assert.ok(!text.includes(repoRoot.replace(/\/$/, '')), `${f} names ${repoRoot}`);
  }
});

test('without a bundle (none built for this install, or its folder gone) each kind is imported from its package', async () => {
  const tree = await loadFieldTree();
  const moduleOf = schemaModules(join(schemaBundleHome, 'no-such-bundle'));
  for (const k of ['apps/v1/Deployment', 'v1/ConfigMap']) assert.equal(moduleOf(tree.kinds[k]!.schema), pathToFileURL(tree.kinds[k]!.schema).href);
});

test('a bundle file that does not load leaves the package\'s own module in use', async () => {
  const tree = await loadFieldTree();
  const schema = tree.kinds['apps/v1/Deployment']!.schema;
  const own = ((await import(pathToFileURL(schema).href)) as { validate: Validate }).validate;
  assert.equal(await loadSchemaModule(pathToFileURL(join(schemaBundleHome, 'no-such-bundle', 'Deployment-GONE.cjs')).href, schema), own);
});

test('the bundle\'s key names the runtime it holds (bundled with the schemas), each at its installed version, but re2-wasm', () => {
  const keyed = sourcePackages();
  const installed = (name: string) => `${name}@${(JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`;
  for (const name of ['kubernetes-models', '@kubernetes-models/validate', 'ajv', 'ajv-formats', 'ajv-formats-draft2019', 'is-cidr', 'smtp-address-parser']) assert.ok(keyed.includes(installed(name)), `${installed(name)} in ${keyed.join(' ')}`);
  assert.ok(!keyed.some((p) => p.startsWith('re2-wasm@')), 're2-wasm is the package\'s own, loaded at run time');
});

test('a validate run writes the code caches of the schema modules it loads, and the next run compiles them from those', () => {
  const manifests = join(repoRoot, 'test/corpus/real-manifests/msd/release/kubernetes-manifests.yaml');
  // as `npm run validate -- <file>` runs it; the main thread, which checks a small input alone, says what it took
  const run = () => {
    const r = spawnSync(process.execPath, ['scripts/launch.mjs', 'validate', manifests], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: { ...process.env, VALIDATE_TIMINGS: '1' } });
    assert.ok(r.status === 0 || r.status === 1, `validate exited ${r.status} (signal ${r.signal}): ${r.stderr}`);
    const m = /^code caches of the main thread: (\d+) taken, (\d+) written$/m.exec(r.stderr);
    assert.ok(m, `no code cache line in: ${r.stderr}`);
    return { taken: Number(m[1]), written: Number(m[2]) };
  };
  const first = run();
  const second = run();
  // the first run took what earlier runs wrote and wrote the rest; the second has a cache for every one
  assert.ok(second.taken >= 10 && second.taken === first.taken + first.written, `first ${JSON.stringify(first)}, second ${JSON.stringify(second)}`);
  assert.equal(second.written, 0);
});
