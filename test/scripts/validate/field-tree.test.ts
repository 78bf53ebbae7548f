// scripts/lib/validate/field-tree.ts: the known-field tree stays linear in what a model package declares. A package
// in @kubernetes-models/istio's style (oneOf written as `A & (Exclude<A, B> | Exclude<B, A>)`, many times in one
// type) made the TypeScript checker distribute the intersections over the unions: 2^n members, > 3 GB, exit 134.
// Here a synthetic package with 24 such pairs in one type (2^24 combinations) is indexed in a child process whose
// heap is capped at 512 MB; it must finish, under an RSS bound, with every declared field in the tree.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { cachePath, loadFieldTree } from '../../../scripts/lib/validate/field-tree.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const pairs = 24;

function syntheticPackage(root: string): string {
  const dir = join(root, 'node_modules/@kubernetes-models/synthetic');
  mkdirSync(join(dir, 'example.com/v1'), { recursive: true });
  mkdirSync(join(dir, '_schemas'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@kubernetes-models/synthetic', version: '1.0.0', type: 'module' }));
  const choice = (i: number) => {
    const a = `{ "a${i}"?: string; "b${i}"?: never }`;
    const b = `{ "b${i}"?: number; "a${i}"?: never }`;
    return `({ "a${i}"?: string; "b${i}"?: number } & (Exclude<${a}, ${b}> | Exclude<${b}, ${a}>))`;
  };
  writeFileSync(
    join(dir, 'example.com/v1/Huge.d.ts'),
    `export interface IHuge {\n  "apiVersion": "example.com/v1";\n  "kind": "Huge";\n  "spec"?: ${Array.from({ length: pairs }, (_, i) => choice(i)).join(' & ')};\n}\n`,
  );
  writeFileSync(
    join(dir, 'example.com/v1/Huge.js'),
    'import{Model,setValidateFunc}from"@kubernetes-models/base";import{validate}from"../../_schemas/ExampleComV1Huge.js";export class Huge extends Model{static{this.apiVersion="example.com/v1"}static{this.kind="Huge"}}setValidateFunc(Huge,validate);\n',
  );
  writeFileSync(join(dir, '_schemas/ExampleComV1Huge.js'), 'export const validate=()=>true;\n');
  return dir;
}

test(`a model package with ${pairs} oneOf-style intersections in one type is indexed within a 512 MB heap`, () => {
  const root = mkdtempSync(join(tmpdir(), 'marquee-field-tree-'));
  try {
    const dir = syntheticPackage(root);
    const script = `
      import { buildFieldTree } from ${JSON.stringify(join(repo, 'scripts/lib/validate/field-tree.ts'))};
      const tree = await buildFieldTree('t', [{ name: '@kubernetes-models/synthetic', dir: ${JSON.stringify(dir)} }]);
      const kind = tree.kinds['example.com/v1/Huge'];
      const spec = tree.nodes[tree.nodes[kind.node].p.spec];
      console.log(JSON.stringify({ fields: Object.keys(spec.p).sort(), nodes: tree.nodes.length, rss: process.memoryUsage().rss }));`;
    const file = join(root, 'build.mts');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, ['--max-old-space-size=512', '--import', 'tsx', file], { cwd: repo, encoding: 'utf8', timeout: 150_000 });
    assert.equal(r.error, undefined, `the build finished within 150 s (${r.error})`);
    assert.equal(r.status, 0, `the build did not run out of memory: ${r.stderr.slice(-800)}`);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { fields: string[]; nodes: number; rss: number };
    const expected = Array.from({ length: pairs }, (_, i) => [`a${i}`, `b${i}`]).flat().sort();
    assert.deepEqual(out.fields, expected, 'every declared field is known');
    assert.ok(out.nodes < 1000, `the tree is linear in the declaration (${out.nodes} nodes)`);
    assert.ok(out.rss < 700e6, `RSS ${Math.round(out.rss / 1e6)} MB stays under 700 MB`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the cached tree names no path of the checkout that built it: a copy with its caches loads its own schema modules', async () => {
  await loadFieldTree();
  const cached = readFileSync(cachePath(), 'utf8');
  assert.ok(!cached.includes(repo.replace(/\/$/, '')), `${cachePath()} names ${repo}`);
  // A copy of the checkout with its caches (cp -a): the code the tree is read with, the model packages and
  // node_modules/.cache copied, every other package linked. The copy reads the tree the original cached.
  const dir = mkdtempSync(join(tmpdir(), 'marquee-field-tree-copy-'));
  try {
    for (const d of ['scripts', 'kube', 'policies', 'generators', 'apps', 'package.json', 'tsconfig.json']) cpSync(join(repo, d), join(dir, d), { recursive: true, filter: (src) => !src.includes('node_modules') });
    mkdirSync(join(dir, 'node_modules'));
    for (const name of readdirSync(join(repo, 'node_modules')))
      if (['.cache', 'kubernetes-models', '@kubernetes-models'].includes(name)) cpSync(join(repo, 'node_modules', name), join(dir, 'node_modules', name), { recursive: true, verbatimSymlinks: true });
      else symlinkSync(join(repo, 'node_modules', name), join(dir, 'node_modules', name));
    const read = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "const { loadFieldTree } = await import('./scripts/lib/validate/field-tree.ts'); const t = await loadFieldTree(); process.stdout.write(t.kinds['apps/v1/Deployment'].schema);"], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(read.status, 0, read.stderr);
    assert.equal(read.stdout, join(dir, 'node_modules/kubernetes-models/_schemas/IoK8sApiAppsV1Deployment.js'));
    assert.ok(existsSync(read.stdout));
    assert.equal(readFileSync(join(dir, 'node_modules/.cache/marquee/field-tree.json'), 'utf8'), cached, 'the copy rebuilt the tree instead of reading the cached one');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
