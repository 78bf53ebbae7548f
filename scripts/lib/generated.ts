// Compare and write the generated trees. Writing is all-or-nothing: every file
// is rendered in memory first, then written through temp files and renamed.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { FileMap } from '../../generators/lib/component.ts';

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
