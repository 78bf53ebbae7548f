// @bufbuild/cel, its `ext` functions and the @bufbuild/protobuf it evaluates with, bundled once per install into one
// CommonJS file (esbuild). Loaded from their packages they are some hundred modules, each resolved, read and compiled
// by every thread that evaluates its first x-kubernetes-validations rule; the bundle is one file of the same code
// (docs/benchmarks.md, files mode, the thirteenth session). cel-kubernetes.ts builds its messages with the protobuf
// runtime the evaluator itself uses: both come from here, from the bundle or both from the packages, never mixed.
//
// Kept as node_modules/.cache/marquee/cel-bundle/<key>.cjs, the key made of the packages' versions and of what the
// bundle is built from (the entry and esbuild's options below); written whole under a temporary name, then renamed.
// Built by warm-caches at install time and by validate's main thread when it finds none; without it (or when it does
// not load) the packages' own modules serve. It loads with V8's code cache (kube/code-cache.mjs), written beside it once
// a run has compiled it.
import type * as Cel from '@bufbuild/cel';
import type * as CelExt from '@bufbuild/cel/ext';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requireCached } from '../../kube/code-cache.mjs';

/**
 * What the evaluator's users take from each package, by name: the bundle holds these and what they need, not the
 * packages' every export (a third of the code left out is a third less for every thread to load; docs/benchmarks.md,
 * files mode, the twentieth session). CelModules is typed from it, so a name used and not listed fails to compile.
 */
const NAMES = {
  cel: ['celEnv', 'celFunc', 'celList', 'celMap', 'celMethod', 'CelScalar', 'celType', 'isCelError', 'isCelList', 'isCelUint', 'listType', 'mapType', 'objectType', 'parse', 'plan'],
  ext: ['strings'],
  protobuf: ['create', 'createFileRegistry'],
  wkt: ['FieldDescriptorProto_Label', 'FieldDescriptorProto_Type', 'FileDescriptorProtoSchema'],
  reflect: ['reflect'],
} as const;
type Named<M, K extends keyof typeof NAMES> = Pick<M, (typeof NAMES)[K][number] & keyof M>;

export interface CelModules {
  readonly cel: Named<typeof Cel, 'cel'>;
  readonly ext: Named<typeof CelExt, 'ext'>;
  readonly protobuf: Named<typeof import('@bufbuild/protobuf'), 'protobuf'>;
  readonly wkt: Named<typeof import('@bufbuild/protobuf/wkt'), 'wkt'>;
  readonly reflect: Named<typeof import('@bufbuild/protobuf/reflect'), 'reflect'>;
}

const require = createRequire(import.meta.url);
/** @bufbuild/cel's main file: its @bufbuild/protobuf is the one resolved from there */
const celMain = require.resolve('@bufbuild/cel');
const celRequire = createRequire(celMain);
const nodeModules = join(dirname(require.resolve('kubernetes-models/package.json')), '..');
const home = join(nodeModules, '.cache', 'marquee', 'cel-bundle');

/** Where each part of CelModules comes from. */
const SOURCES: Record<keyof typeof NAMES, string> = { cel: '@bufbuild/cel', ext: '@bufbuild/cel/ext', protobuf: '@bufbuild/protobuf', wkt: '@bufbuild/protobuf/wkt', reflect: '@bufbuild/protobuf/reflect' };

/** The bundle's entry: CelModules, each part of the names NAMES lists, imported by name so that esbuild leaves out the rest. */
const ENTRY = (Object.keys(NAMES) as (keyof typeof NAMES)[])
  .map((part) => `import { ${NAMES[part].map((n) => `${n} as ${part}_${n}`).join(', ')} } from '${SOURCES[part]}';\nexport const ${part} = { ${NAMES[part].map((n) => `${n}: ${part}_${n}`).join(', ')} };`)
  .join('\n');
const OPTIONS = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' } as const;

/** `name@version` of the package `req` resolves `name` to (its package.json found above its main file: neither package exports it). */
function version(req: NodeJS.Require, name: string): string {
  const main = req.resolve(name);
  const root = main.slice(0, main.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}`.length);
  return `${name}@${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}`;
}

function bundleFile(): string {
  const key = createHash('sha256')
    .update([version(require, '@bufbuild/cel'), version(celRequire, '@bufbuild/protobuf'), version(require, 'esbuild'), ENTRY, JSON.stringify(OPTIONS)].join('\n'))
    .digest('hex')
    .slice(0, 16);
  return join(home, `${key}.cjs`);
}

/** The modules from their packages, as Node resolves them (@bufbuild/protobuf from @bufbuild/cel's folder). */
export function celModulesFromPackages(): CelModules {
  return {
    cel: require('@bufbuild/cel') as typeof Cel,
    ext: require('@bufbuild/cel/ext') as typeof CelExt,
    protobuf: celRequire('@bufbuild/protobuf') as CelModules['protobuf'],
    wkt: celRequire('@bufbuild/protobuf/wkt') as CelModules['wkt'],
    reflect: celRequire('@bufbuild/protobuf/reflect') as CelModules['reflect'],
  };
}

/** The modules from this install's bundle when it is built and loads, else from their packages. */
export function celModules(): CelModules {
  const file = bundleFile();
  if (existsSync(file))
    try {
      return requireCached(file) as CelModules;
    } catch {
      // a bundle that does not load is no reason to fail: the packages hold the same code
    }
  return celModulesFromPackages();
}

/** Build this install's bundle unless it is built; earlier installs' bundles are removed. */
export async function buildCelBundle(): Promise<void> {
  const file = bundleFile();
  if (existsSync(file)) return;
  mkdirSync(home, { recursive: true });
  const tmp = `${file}.build-${process.pid}`;
  try {
    // esbuild loads only to build: a thread that reads the bundle never needs it
    const { build } = await import('esbuild');
    await build({ ...OPTIONS, stdin: { contents: ENTRY, resolveDir: dirname(celMain), sourcefile: 'cel-bundle-entry.mjs', loader: 'js' }, outfile: tmp });
    renameSync(tmp, file);
    for (const old of readdirSync(home)) if (!old.includes('.build-') && join(home, old) !== file) rmSync(join(home, old), { force: true });
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** buildCelBundle, a failure left to celModules' fallback (validate's main thread, before any rule is evaluated). */
export async function ensureCelBundle(): Promise<void> {
  try {
    await buildCelBundle();
  } catch {
    // celModules() falls back to the packages
  }
}

/** Where the bundles are kept. */
export const celBundleHome = home;
