// CommonJS files marquee bundled (the launcher's bundle of a script, the compiled schemas, the CEL evaluator), loaded
// with V8's code cache. V8 compiles a function the first time it runs, in every thread of every run; from the cache a
// thread takes the bytecode an earlier run compiled instead (docs/benchmarks.md, files mode, the twenty-second
// session). JavaScript, with its types beside it (code-cache.d.mts): scripts/launch.mjs loads bundles with it before
// any TypeScript can run.
//
// Each file's cache lies beside it, `<file>.<tag>.v8cache`, the tag V8's own (cachedDataVersionTag: its version, its
// flags and the processor's features, which its code depends on), and starts with the SHA-1 of the source it was
// compiled from: V8 itself checks only the source's length. A cache is written once a thread has run the code
// (saveCodeCaches), so it holds what was compiled while it ran, and only for a file loaded without one; a cache V8
// rejects, or one of another source, is written again. A file compiled before a V8 flag changed (validate sets one)
// gets no cache: V8 would refuse it under the flags it is loaded with. Nothing in a cache depends on where the checkout
// lives (V8 keeps the script's name in it: a file is compiled under its base name).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';
import { writeAtomic } from './write-atomic.mjs';

const DIGEST_BYTES = 20;

/** The global through which code compiled here imports: this module's own import(), the first copy's that loaded. */
const IMPORT = '__marqueeImport';
globalThis[IMPORT] ??= (/** @type {string} */ specifier) => import(specifier);

/**
 * import() of a file's URL or a package, resolved from this checkout. A file compiled here has no import() of its own
 * once V8 takes its code from the cache (Node 20 loses the script's loader): the code of a bundle imports through the
 * copy of this module that its loader is (scripts/launch.mjs, a files worker's entry), which is no bundle's.
 * @param {string} specifier
 * @returns {Promise<any>}
 */
export const importModule = (specifier) => globalThis[IMPORT](specifier);

/** The global holding the files loaded in this thread, whichever copy of this module loaded them (see `loaded`). */
const LOADED = '__marqueeCodeCaches';

/**
 * file → its module in this thread: `taken` when it was compiled from its cache; `pending` (its script, its source's
 * digest and the tag it was compiled under) while its cache is still to be written. One map a thread, shared by every
 * copy of this module in it (the launcher's, a worker's loader, the ones bundled into the bundles): the saveCodeCaches
 * of any copy writes the caches of every file the thread loaded.
 * @type {Map<string, { module: { exports: unknown }, taken: boolean, pending?: { script: Script, digest: Buffer, tag: number } }>}
 */
const loaded = (globalThis[LOADED] ??= new Map());

/** @param {string} file @param {number} tag */
const cacheOf = (file, tag) => `${file}.${tag}.v8cache`;

/**
 * `require` for a CommonJS file marquee bundled: the file, and the bundle's files it requires by a relative name,
 * compiled with their code caches where they have a valid one; any other name is required as Node resolves it from the
 * file. Like Node's own loader, a file runs once per thread, and a cycle sees the exports filled so far.
 * @param {string} file
 * @returns {unknown}
 */
export function requireCached(file) {
  const known = loaded.get(file);
  if (known) return known.module.exports;
  // the digest of the bytes, not of the text: hashing a string encodes it again
  const bytes = readFileSync(file);
  const digest = createHash('sha1').update(bytes).digest();
  const source = bytes.toString('utf8');
  const tag = cachedDataVersionTag();
  /** @type {Buffer | undefined} */
  let cached;
  try {
    const data = readFileSync(cacheOf(file, tag));
    if (data.subarray(0, DIGEST_BYTES).equals(digest)) cached = data.subarray(DIGEST_BYTES);
  } catch {
    // none yet
  }
  // The wrapper of Node's own CommonJS loader, so line numbers in stack traces stay the file's. Named by its base name:
  // V8 keeps the name a cache was made under, which must not be where the checkout lay then; a string of its own, as
  // basename's slice of the path would take the whole path into the cache with it.
  const name = Buffer.from(basename(file)).toString();
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: name, cachedData: cached });
  const module = { exports: /** @type {unknown} */ ({}) };
  const taken = !!cached && !script.cachedDataRejected;
  loaded.set(file, { module, taken, ...(taken ? {} : { pending: { script, digest, tag } }) });
  const dir = dirname(file);
  const nodeRequire = createRequire(file);
  /** @param {string} id */
  const localRequire = (id) => (id.startsWith('./') && id.endsWith('.cjs') ? requireCached(resolve(dir, id)) : nodeRequire(id));
  try {
    script.runInThisContext().call(module.exports, module.exports, localRequire, module, file, dir);
  } catch (err) {
    loaded.delete(file);
    throw err;
  }
  return module.exports;
}

/**
 * Write the code cache of each file this thread loaded without a valid one, with what the thread has compiled of it
 * so far (call it once the thread has done its work), unless V8's flags changed since it was compiled. A cache that
 * cannot be written is left unwritten: the files load without one, as before. Returns how many files this thread
 * compiled from their caches, and how many caches it wrote now.
 * @returns {{ taken: number, written: number }}
 */
export function saveCodeCaches() {
  let taken = 0;
  let written = 0;
  const tag = cachedDataVersionTag();
  for (const [file, entry] of loaded) {
    if (entry.taken) taken++;
    if (!entry.pending) continue;
    if (entry.pending.tag === tag)
      try {
        writeAtomic(cacheOf(file, tag), Buffer.concat([entry.pending.digest, entry.pending.script.createCachedData()]));
        written++;
      } catch {
        // a read-only install: no cache
      }
    entry.pending = undefined;
  }
  return { taken, written };
}
