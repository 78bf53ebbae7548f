// Compare and write the generated trees. Writing is all-or-nothing: every file
// is rendered in memory first, then written through temp files and renamed.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import type { FileMap } from '../../generators/lib/component.ts';
import { cacheFile, writeAtomic } from './plumbing/cache.ts';

export interface Drift {
  /** generated files whose committed content differs */
  readonly changed: string[];
  /** generated files missing from the working tree */
  readonly missing: string[];
  /** files in a generated root that no generator produces any more */
  readonly stale: string[];
}

function listFiles(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return (readdirSync(abs, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath ?? (d as any).path, d.name)));
}

export function driftOf(root: string, files: FileMap, roots: readonly string[]): Drift {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, content] of files) {
    const abs = join(root, path);
    if (!existsSync(abs)) missing.push(path);
    else if (readFileSync(abs, 'utf8') !== content) changed.push(path);
  }
  const stale = roots.flatMap((r) => listFiles(root, r)).filter((p) => !files.has(p));
  return { changed: changed.sort(), missing: missing.sort(), stale: stale.sort() };
}

export const isClean = (d: Drift): boolean => !d.changed.length && !d.missing.length && !d.stale.length;

/** Write what changed, delete what is stale, remove emptied directories. Returns the drift it fixed. */
export function writeGenerated(root: string, files: FileMap, roots: readonly string[]): Drift {
  const drift = driftOf(root, files, roots);
  const toWrite = [...drift.changed, ...drift.missing];
  const tmp = toWrite.map((path) => {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    const t = `${abs}.tmp-${process.pid}`;
    writeFileSync(t, files.get(path)!);
    return [t, abs] as const;
  });
  for (const [t, abs] of tmp) renameSync(t, abs);
  for (const path of drift.stale) rmSync(join(root, path));
  for (const r of roots) pruneEmpty(join(root, r));
  return drift;
}

function pruneEmpty(dir: string): void {
  if (!existsSync(dir)) return;
  for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isDirectory()) pruneEmpty(join(dir, d.name));
  if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}

// --- Drift without running the generators, when nothing they read has changed ---
//
// Importing and running every generator costs about a second of CPU (TypeScript
// transpilation, kubernetes-models, the dashboard builder). The generators are
// pure functions of the repository's files and the installed packages (pinned
// by package-lock.json). So the last clean result is cached under a key that
// hashes every file of the repository except the generated outputs themselves;
// while the key matches, comparing the outputs' hashes is the whole drift check.

const IGNORED_DIRS = new Set(['node_modules', '.cache']);
/**
 * What the generators read: their own code, apps/ (the contract, package
 * versions), scripts/ (files shipped in ConfigMaps) and the pinned packages.
 * An allowlist, so that editing an overlay, a test or a scratch file never
 * invalidates the drift cache. A generator that starts reading another folder
 * must add it here (test/scripts/generated.test.ts checks the common cases).
 */
export const GENERATOR_INPUTS = ['generators', 'kube', 'apps', 'vendor/operators', 'package.json', 'package-lock.json', 'tsconfig.json'];

function sha(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hash of every generator input file (GENERATOR_INPUTS minus caches and the generated outputs). */
export function inputsKey(root: string, outputs: ReadonlySet<string>, roots: readonly string[]): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    // An input may be a folder below the top (vendor/operators): walk down to it, and only it.
    const wanted = (rel: string) => GENERATOR_INPUTS.some((i) => i === rel || i.startsWith(`${rel}/`) || rel.startsWith(`${i}/`));
    const entries = readdirSync(dir ? join(root, dir) : root, { withFileTypes: true });
    for (const d of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = dir ? `${dir}/${d.name}` : d.name;
      if (!wanted(rel)) continue;
      if (d.isDirectory()) {
        if (IGNORED_DIRS.has(d.name) || roots.includes(rel)) continue;
        walk(rel);
      } else if (d.isFile() && !outputs.has(rel)) {
        h.update(`${rel}\0`);
        h.update(readFileSync(join(root, rel)));
        h.update('\0');
      }
    }
  };
  walk('');
  return h.digest('hex');
}

interface DriftCache {
  /** inputsKey of the clean tree */
  readonly key: string;
  readonly roots: readonly string[];
  /** generated path → sha256 of its content */
  readonly files: Record<string, string>;
}

/** The last clean results, newest last: whichever checkout (or test copy) they came from, an entry is found by its key. */
function readDriftCache(file: string): DriftCache[] {
  try {
    const all = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(all) ? (all as DriftCache[]) : [];
  } catch {
    return []; // missing or corrupt: a miss
  }
}

/**
 * Drift of the generated files. Uses the cache when every input is unchanged;
 * otherwise (or when any output differs, to name the exact line) runs `generate`.
 * Entries are keyed by content only (inputsKey), never by where the checkout lives.
 */
export async function checkDrift(
  root: string,
  generate: () => Promise<{ files: FileMap; roots: readonly string[] }>,
  opts: { cache?: boolean } = {},
): Promise<{ drift: Drift; files?: FileMap; cached: boolean }> {
  const file = cacheFile('drift.json');
  if (opts.cache !== false) {
    // entries of one repository share their outputs and roots: hash the inputs once per such set
    const keys = new Map<string, string>();
    const keyOf = (c: DriftCache): string => {
      const set = JSON.stringify([c.roots, Object.keys(c.files).sort()]);
      let k = keys.get(set);
      if (k === undefined) keys.set(set, (k = inputsKey(root, new Set(Object.keys(c.files)), c.roots)));
      return k;
    };
    for (const c of readDriftCache(file).reverse()) {
      if (keyOf(c) !== c.key) continue;
      const outputs = new Set(Object.keys(c.files));
      const onDisk = c.roots.flatMap((r) => listFiles(root, r));
      const clean =
        Object.entries(c.files).every(([p, h]) => existsSync(join(root, p)) && sha(readFileSync(join(root, p))) === h) &&
        onDisk.every((p) => outputs.has(p));
      if (clean) return { drift: { changed: [], missing: [], stale: [] }, cached: true };
    }
  }
  const { files, roots } = await generate();
  const drift = driftOf(root, files, roots);
  if (isClean(drift) && opts.cache !== false) {
    const outputs = new Set(files.keys());
    const entry: DriftCache = { key: inputsKey(root, outputs, roots), roots: [...roots], files: Object.fromEntries([...files].map(([p, c]) => [p, sha(c)])) };
    writeAtomic(file, JSON.stringify([...readDriftCache(file).filter((c) => c.key !== entry.key), entry].slice(-20)));
  }
  return { drift, files, cached: false };
}
