// Walking a directory: the one walker, which never follows a symbolic link to a
// directory (a link loop cannot hang it) and stops at a bound instead of growing.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** More entries than any repository of this kind holds: past it the walk stops with an error. */
export const MAX_WALK_ENTRIES = 200_000;

export class WalkTooLarge extends Error {}

/** The error of a walk past MAX_WALK_ENTRIES below `abs`. */
export const walkTooLarge = (abs: string): WalkTooLarge => new WalkTooLarge(`${abs}: more than ${MAX_WALK_ENTRIES} entries below it; point at a smaller directory`);

/** The directories a walk does not enter unless told otherwise (by base name). */
export const WALK_SKIPS: ReadonlySet<string> = new Set(['node_modules', '.git']);

/**
 * Files below `abs` (paths relative to it, sorted), descending into real
 * directories only; links to files are listed, links to directories are not
 * followed. `skip` names directories not to enter (by base name).
 */
export function filesUnder(abs: string, skip: ReadonlySet<string> = WALK_SKIPS): string[] {
  const out: string[] = [];
  let seen = 0;
  const visit = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(abs, rel), { withFileTypes: true });
    } catch {
      return; // unreadable: nothing to list
    }
    for (const e of entries) {
      if (++seen > MAX_WALK_ENTRIES) throw walkTooLarge(abs);
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!skip.has(e.name)) visit(path);
      } else if (e.isFile()) out.push(path);
      else if (e.isSymbolicLink()) {
        try {
          if (statSync(join(abs, path)).isFile()) out.push(path);
        } catch {
          /* dangling link */
        }
      }
    }
  };
  if (existsSync(abs)) visit('');
  return out.sort();
}

/** YAML files below `root/dir`, as repo-relative paths (for loose-file validation and the YAML pre-pass). */
export const yamlFilesUnder = (root: string, dir: string): string[] =>
  filesUnder(join(root, dir))
    .filter((f) => /\.ya?ml$/i.test(f))
    .map((f) => join(dir, f));
