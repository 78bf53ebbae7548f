// The model packages' compiled schemas (kubernetes-models' `_schemas/*.js`: one ES module per type, each importing the
// types it holds) bundled once per install with esbuild: one module per kind, the types kinds share in common chunks.
// Checking a kind imported its module graph file by file (a Deployment: dozens of modules, each resolved through its
// package's exports, read, and compiled), in every thread that checks, the largest part of a thread's start; the
// bundle loads the same code as a few files (docs/benchmarks.md, files mode, the thirteenth session).
//
// The bundle's files are CommonJS, required rather than imported: Node 20's ES module loader spends about a millisecond
// on each module it loads (resolving, linking, evaluating through its promises), its CommonJS loader a tenth of that,
// and a thread meets some seventy of the bundle's files for the kinds of a typical input (docs/benchmarks.md, files
// mode, the sixteenth session). esbuild splits only ES modules, so the bundle is built as ES modules and each file then
// turned into CommonJS. The runtime the schemas import (@kubernetes-models/validate: ajv's formats) is an ES module
// that CommonJS cannot require in Node 20, so it is bundled too; re2-wasm stays the package's (it reads its .wasm file
// beside its own).
//
// Kept under node_modules/.cache/marquee/schema-bundle/<key>/, the key made of the model packages' versions and this
// code's digest; the map from a schema's path (relative to node_modules, so the cache does not depend on where the
// checkout lives) to its bundled module is written last, so a bundle is used only once it is whole. Built by
// warm-caches at install time and by the main thread of a validate that finds none; a worker thread, or a failed
// build, falls back to the packages' own files, which hold the same code. Its files load with V8's code cache
// (kube/code-cache.mjs), which validate writes beside them once a run has compiled them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { codeDigest } from '../plumbing/code.ts';
import { importModule, requireCached } from '../../../kube/code-cache.mjs';
import { modelsHome, type FieldTree } from './field-tree.ts';

const nodeModules = modelsHome();
/** where the bundles are kept (one folder per install's key) */
export const schemaBundleHome = join(nodeModules, '.cache', 'marquee', 'schema-bundle');
const home = schemaBundleHome;
const MAP = 'map.json';

/** A package's manifest: the copy installed under `dir`'s node_modules, else the top-level one. */
function manifestOf(name: string, dir: string): { path: string; json: { version: string; dependencies?: Record<string, string> } } | undefined {
  for (const path of [join(dir, 'node_modules', name, 'package.json'), join(nodeModules, name, 'package.json')])
    if (existsSync(path)) return { path, json: JSON.parse(readFileSync(path, 'utf8')) as { version: string; dependencies?: Record<string, string> } };
  return undefined;
}

/**
 * Every package the bundle is made from, `name@version`: kubernetes-models and each @kubernetes-models package, and
 * what they depend on, transitively (the runtime the schemas import is bundled with them), but re2-wasm, which stays
 * the package's.
 */
export function sourcePackages(): string[] {
  const scoped = join(nodeModules, '@kubernetes-models');
  const out = new Map<string, string>();
  const visit = (name: string, dir: string): void => {
    if (name === 're2-wasm') return;
    const m = manifestOf(name, dir);
    if (!m || out.has(m.path)) return;
    out.set(m.path, `${name}@${m.json.version}`);
    for (const dep of Object.keys(m.json.dependencies ?? {}).sort()) visit(dep, dirname(m.path));
  };
  for (const name of ['kubernetes-models', ...(existsSync(scoped) ? readdirSync(scoped).sort().map((d) => `@kubernetes-models/${d}`) : [])]) visit(name, nodeModules);
  return [...out.values()].sort();
}

/** This install's bundle folder (the packages and this code do not change while a process runs: worked out once). */
let dirOfInstall: string | undefined;
function bundleDir(): string {
  return (dirOfInstall ??= join(home, createHash('sha256').update(`${sourcePackages().join(',')};${codeDigest(import.meta.url)}`).digest('hex').slice(0, 16)));
}

/** schema path relative to node_modules → the bundled module, relative to the bundle's folder */
type SchemaMap = Record<string, string>;

/** The bundle's map, or undefined when there is none for this install. */
function readMap(dir: string): SchemaMap | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, MAP), 'utf8')) as SchemaMap;
  } catch {
    return undefined;
  }
}

/**
 * Build the bundle of every schema module `tree` names (unless this install has one), in CommonJS (see the top): what
 * the schemas import is bundled with them, but re2-wasm, found from the cache folder, which lies inside node_modules.
 * Older bundles are removed.
 */
export async function buildSchemaBundle(tree: FieldTree): Promise<void> {
  const dir = bundleDir();
  if (readMap(dir)) return;
  const entries = [...new Set(Object.values(tree.kinds).map((k) => k.schema))].sort();
  mkdirSync(home, { recursive: true });
  const tmp = `${dir}.build-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    // esbuild loads only to build: validate's threads that read the bundle never need it
    const { build, transform } = await import('esbuild');
    const result = await build({
      entryPoints: entries,
      absWorkingDir: nodeModules,
      outdir: tmp,
      outbase: nodeModules,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: ['re2-wasm'],
      entryNames: '[name]-[hash]',
      chunkNames: 'shared-[hash]',
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    // each ES module file as CommonJS, its imports of the bundle's other files as requires of their .cjs files
    await Promise.all(
      result.outputFiles.map(async (f) => {
        const { code } = await transform(f.text, { format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' });
        mkdirSync(dirname(f.path), { recursive: true });
        writeFileSync(cjsName(f.path), code.replace(/require\("(\.\/[^"]+)\.js"\)/g, 'require("$1.cjs")'));
      }),
    );
    // the key must name every package the bundle holds code of (a cache keyed by less would outlive an upgrade of one)
    const keyed = new Set(sourcePackages().map((p) => p.slice(0, p.lastIndexOf('@'))));
    const held = new Set(Object.keys(result.metafile.inputs).map((f) => /^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(`node_modules/${f}`)?.[1]));
    const unkeyed = [...held].filter((p) => p === undefined || !keyed.has(p));
    if (unkeyed.length) throw new Error(`schema bundle: holds code of ${unkeyed.join(', ')}, which its key does not name`);
    const map: SchemaMap = {};
    for (const [out, o] of Object.entries(result.metafile.outputs)) if (o.entryPoint) map[o.entryPoint] = relative(tmp, cjsName(join(nodeModules, out)));
    const missing = entries.filter((e) => !map[relative(nodeModules, e)]);
    if (missing.length) throw new Error(`schema bundle: ${missing.length} of ${entries.length} schema modules not bundled (${missing[0]})`);
    writeFileSync(join(tmp, MAP), JSON.stringify(map));
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // another process built the same bundle first: its map says so
      if (!readMap(dir)) throw err;
    }
    // bundles of earlier installs (never one being built: its name ends in .build-<pid>)
    for (const old of readdirSync(home)) if (!old.includes('.build-') && join(home, old) !== dir) rmSync(join(home, old), { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The bundle built, unless it is already (validate's main thread calls this before any schema is imported). A build
 * that fails leaves the packages' own files in use: slower to load, the same checks.
 */
export async function ensureSchemaBundle(tree: () => Promise<FieldTree>): Promise<void> {
  // the map is written last, before the folder takes its name: there is one only in a whole bundle
  if (existsSync(join(bundleDir(), MAP))) return;
  try {
    await buildSchemaBundle(await tree());
  } catch {
    // schemaModules() falls back to the packages' files
  }
}

/** A bundle file's CommonJS name. */
const cjsName = (file: string): string => file.replace(/\.js$/, '.cjs');

/**
 * The URL of the compiled schema module at `schema` (an absolute path the field tree names): its bundled module, a
 * `.cjs` file to require (loadSchemaModule), when this install's bundle is built, else the file itself, to import.
 */
export function schemaModules(dir = bundleDir()): (schema: string) => string {
  const map = readMap(dir);
  return (schema) => {
    const bundled = map?.[relative(nodeModules, schema)];
    return pathToFileURL(bundled ? join(dir, bundled) : schema).href;
  };
}

/**
 * The `validate` of the compiled schema module at `url` (schemaModules): required with its code cache when it is the
 * bundle's, else imported.
 * A bundle file that does not load (one removed by hand) is no reason to fail: `schema`, the package's own file,
 * holds the same code.
 */
export async function loadSchemaModule(url: string, schema: string): Promise<(o: unknown) => boolean> {
  const own = pathToFileURL(schema).href;
  try {
    if (url.endsWith('.cjs')) return (requireCached(fileURLToPath(url)) as { validate: (o: unknown) => boolean }).validate;
    return ((await importModule(url)) as { validate: (o: unknown) => boolean }).validate;
  } catch (err) {
    if (url === own) throw err;
    return ((await importModule(own)) as { validate: (o: unknown) => boolean }).validate;
  }
}
