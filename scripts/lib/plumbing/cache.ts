// Where marquee's scripts keep derived data between runs, and a small keyed
// store for results that are pure functions of a file's content and of the code
// that computed them.
//
// Everything lives in node_modules/.cache/marquee/ (the convention of babel,
// eslint and webpack): `npm ci` starts from nothing, `git clean` never sees it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeAtomic } from '../../../kube/write-atomic.mjs';
import { codeDigest } from './code.ts';

const require = createRequire(import.meta.url);

/** node_modules/.cache/marquee/<name> of this checkout. */
export const cacheFile = (name: string): string => join(dirname(require.resolve('yaml/package.json')), '..', '.cache', 'marquee', name);

export const contentHash = (data: string | Buffer): string => createHash('sha1').update(data).digest('base64url');

/** Written so that readers see the old or the new content (kube/write-atomic.mjs): the one way marquee writes a cache file. */
export { writeAtomic };

/**
 * A JSON file of key → value, loaded on first use and written by `save()` when
 * something was added. Past `limit` entries, the ones this run did not use are
 * dropped, so it never grows much beyond what the repository holds now.
 * The whole file is keyed by the code that computes its values: `code` is the
 * `import.meta.url` of that module, and a change to it or to anything it imports
 * (repository files, npm package versions: codeDigest) starts the cache afresh.
 */
export class KeyedCache<T> {
  private entries?: Record<string, T>;
  private version?: string;
  private readonly used = new Set<string>();
  private dirty = false;

  constructor(
    private readonly name: string,
    private readonly code: string,
    private readonly limit = 5000,
  ) {
    if (!code.startsWith('file:')) throw new Error(`KeyedCache ${name}: code must be the import.meta.url of the module that computes its values, not ${JSON.stringify(code)}`);
  }

  private load(): Record<string, T> {
    if (this.entries) return this.entries;
    this.version = codeDigest(this.code);
    try {
      const c = JSON.parse(readFileSync(cacheFile(this.name), 'utf8')) as { version: string; entries: Record<string, T> };
      this.entries = c.version === this.version ? c.entries : {};
    } catch {
      this.entries = {};
    }
    return this.entries;
  }

  get(key: string): T | undefined {
    const e = this.load();
    if (!(key in e)) return undefined;
    this.used.add(key);
    return e[key];
  }

  set(key: string, value: T): T {
    this.load()[key] = value;
    this.used.add(key);
    this.dirty = true;
    return value;
  }

  /** The cached value, or compute and remember it. */
  memo(key: string, compute: () => T): T {
    const hit = this.get(key);
    return hit !== undefined ? hit : this.set(key, compute());
  }

  save(): void {
    if (!this.dirty) return;
    let e = this.load();
    if (Object.keys(e).length > this.limit) e = Object.fromEntries(Object.entries(e).filter(([k]) => this.used.has(k)));
    writeAtomic(cacheFile(this.name), JSON.stringify({ version: this.version, entries: e }));
    this.entries = e;
    this.dirty = false;
  }
}

/**
 * A KeyedCache of values kept as JSON text: every hit is parsed anew, so callers
 * may mutate what they get without touching the cache or each other's copies.
 */
export class CopyingCache<T> {
  private readonly store: KeyedCache<string>;

  constructor(name: string, code: string, limit?: number) {
    this.store = new KeyedCache<string>(name, code, limit);
  }

  /** A private copy of the cached value, or compute it (and keep its JSON). */
  memo(key: string, compute: () => T): T {
    const hit = this.store.get(key);
    if (hit !== undefined) return JSON.parse(hit) as T;
    const value = compute();
    this.store.set(key, JSON.stringify(value));
    return value;
  }

  save(): void {
    this.store.save();
  }
}
