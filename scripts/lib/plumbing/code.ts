// What a module's code is made of, read from its text: the specifiers it names
// (the reader test/dependencies.test.ts and the parts picture use), and a digest
// of its sources and everything they import under the repository, so that a
// cache of its results is keyed by the code that computed them.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every module specifier (`from '…'`, `import('…')`) and file URL (`new URL('…', import.meta.url)`: a read) a source names. */
export function referencesOf(text: string): { spec: string; read: boolean }[] {
  const out: { spec: string; read: boolean }[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"`]([^'"`$]+)['"`]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|new URL\(\s*['"`]([^'"`]+)['"`]\s*,\s*import\.meta\.url/gm))
    out.push({ spec: (m[1] ?? m[2] ?? m[3] ?? m[4])!, read: m[4] !== undefined });
  return out;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The npm package a bare specifier names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

const versions = new Map<string, string>();

/** `name@version` of an installed npm package, read from the repository's node_modules. */
function installed(name: string): string {
  let v = versions.get(name);
  if (v === undefined) {
    try {
      v = `${name}@${(JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`;
    } catch {
      v = `${name}@missing`;
    }
    versions.set(name, v);
  }
  return v;
}

const workspaceExports = new Map<string, Record<string, string>>();

/** The repository file a workspace specifier (`@marquee/kit/testing`) names, by that workspace's `exports`. */
function workspaceFile(spec: string): string | undefined {
  const name = packageOf(spec);
  const dir = join(root, 'apps', name.slice('@marquee/'.length));
  let exports = workspaceExports.get(dir);
  if (!exports) {
    try {
      exports = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: Record<string, string> }).exports ?? {};
    } catch {
      exports = {};
    }
    workspaceExports.set(dir, exports);
  }
  const target = exports[`.${spec.slice(name.length)}`];
  return target === undefined ? undefined : join(dir, target);
}

interface Node {
  /** digest of the file's text */
  readonly hash: string;
  /** repository files it imports */
  readonly files: string[];
  /** `name@version` of npm packages it imports */
  readonly packages: string[];
}

const isFile = (file: string): boolean => statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;

/** Every file read so far (a process reads each file once). */
const nodes = new Map<string, Node>();

function nodeOf(file: string): Node {
  let n = nodes.get(file);
  if (n) return n;
  // a file the module reads (`new URL('…', import.meta.url)`) counts by its content; a folder it walks does not
  const text = isFile(file) ? readFileSync(file, 'utf8') : '';
  n = { hash: createHash('sha1').update(text).digest('base64url'), files: [], packages: [] };
  for (const { spec } of /\.(ts|mjs|js)$/.test(file) ? referencesOf(text) : []) {
    if (spec.startsWith('node:')) continue;
    if (spec.startsWith('.')) n.files.push(resolve(dirname(file), spec));
    else if (spec.startsWith('@marquee/')) {
      const f = workspaceFile(spec);
      if (f) n.files.push(f);
      else n.packages.push(installed(packageOf(spec)));
    } else n.packages.push(installed(packageOf(spec)));
  }
  nodes.set(file, n);
  return n;
}

const digests = new Map<string, string>();

/**
 * A digest of the modules at `urls` (their `import.meta.url`): the text of every
 * repository file they import, transitively (files named by repository-relative
 * path, so the digest is the same wherever the checkout lives), and the version
 * of every npm package they import. Computed once per process and module set.
 */
export function codeDigest(...urls: string[]): string {
  const key = urls.join('\0');
  const known = digests.get(key);
  if (known) return known;
  const seen = new Set<string>();
  const packages = new Set<string>();
  const todo = urls.map((u) => fileURLToPath(u));
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const n = nodeOf(file);
    for (const p of n.packages) packages.add(p);
    todo.push(...n.files);
  }
  const h = createHash('sha256');
  for (const file of [...seen].sort()) h.update(`${relative(root, file)}\0${nodes.get(file)!.hash}\0`);
  for (const p of [...packages].sort()) h.update(`${p}\0`);
  const digest = h.digest('base64url').slice(0, 22);
  digests.set(key, digest);
  return digest;
}
