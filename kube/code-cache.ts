// CommonJS files of a bundle this install built (the compiled schemas, the CEL evaluator), loaded with V8's code
// cache. V8 compiles a function the first time it runs, in every thread of every run; from the cache a thread takes the
// bytecode an earlier run compiled instead (docs/benchmarks.md, files mode, the twenty-second session).
//
// Each file's cache lies beside it, `<file>.<tag>.v8cache`, the tag V8's own (cachedDataVersionTag: its version, its
// flags and the processor's features, which its code depends on), and starts with the SHA-1 of the source it was
// compiled from: V8 itself checks only the source's length. A cache is written once a thread has run the code
// (saveCodeCaches), so it holds what was compiled while it ran, and only for a file loaded without one; a cache V8
// rejects, or one of another source, is written again. Nothing in it depends on where the checkout lives (V8 keeps the
// script's name in it: a file is compiled under its base name).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';
import { writeAtomic } from './write-atomic.ts';

const DIGEST_BYTES = 20;

interface Loaded {
  readonly module: { exports: unknown };
  /** compiled from its cache */
  readonly taken: boolean;
  /** the script and its source's digest, while its cache is still to be written (loaded without one, or with one V8 refused) */
  pending?: { readonly script: Script; readonly digest: Buffer };
}

/** file → its module, for this thread */
const loaded = new Map<string, Loaded>();

const cacheOf = (file: string): string => `${file}.${cachedDataVersionTag()}.v8cache`;
const digestOf = (source: string): Buffer => createHash('sha1').update(source).digest();

/**
 * `require` for a CommonJS file of a bundle: the file, and the bundle's files it requires by a relative name, compiled
 * with their code caches where they have a valid one; any other name is required as Node resolves it from the file.
 * Like Node's own loader, a file runs once per thread, and a cycle sees the exports filled so far.
 */
export function requireCached(file: string): unknown {
  const known = loaded.get(file);
  if (known) return known.module.exports;
  const source = readFileSync(file, 'utf8');
  const digest = digestOf(source);
  let cached: Buffer | undefined;
  try {
    const data = readFileSync(cacheOf(file));
    if (data.subarray(0, DIGEST_BYTES).equals(digest)) cached = data.subarray(DIGEST_BYTES);
  } catch {
    // none yet
  }
  // The wrapper of Node's own CommonJS loader, so line numbers in stack traces stay the file's. Named by its base name:
  // V8 keeps the name a cache was made under, which must not be where the checkout lay then; a string of its own, as
  // basename's slice of the path would take the whole path into the cache with it.
  const name = Buffer.from(basename(file)).toString();
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: name, cachedData: cached });
  const module = { exports: {} as unknown };
  const taken = !!cached && !script.cachedDataRejected;
  const entry: Loaded = { module, taken, ...(taken ? {} : { pending: { script, digest } }) };
  loaded.set(file, entry);
  const dir = dirname(file);
  const nodeRequire = createRequire(file);
  const localRequire = (id: string): unknown => (id.startsWith('./') && id.endsWith('.cjs') ? requireCached(resolve(dir, id)) : nodeRequire(id));
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, localRequire, module, file, dir);
  } catch (err) {
    loaded.delete(file);
    throw err;
  }
  return module.exports;
}

/**
 * Write the code cache of each file this thread loaded without a valid one, with what the thread has compiled of it
 * so far (call it once the thread has done its work). A cache that cannot be written is left unwritten: the files
 * load without one, as before. Returns how many files this thread compiled from their caches, and how many caches it
 * wrote now.
 */
export function saveCodeCaches(): { taken: number; written: number } {
  let taken = 0;
  let written = 0;
  for (const [file, entry] of loaded) {
    if (entry.taken) taken++;
    if (!entry.pending) continue;
    try {
      writeAtomic(cacheOf(file), Buffer.concat([entry.pending.digest, entry.pending.script.createCachedData()]));
      written++;
    } catch {
      // a read-only install: no cache
    }
    entry.pending = undefined;
  }
  return { taken, written };
}
