// kustomize's own OpenAPI document, slimmed, for fast renders with identical output.
//
// kustomize 4.5.4 parses its built-in Kubernetes 1.21 OpenAPI document (5.1 MB
// of JSON, gzipped inside the binary) the first time it meets a kind that is not
// in its precomputed table: autoscaling/v2, every CRD. That parse costs a large share of
// CPU per process, most of a render. kustomize reads only three things from the
// document: the definitions (strategic-merge keys and strategies), and the GET
// paths with their group-version-kind (namespace scope). So we take the very
// document the pinned binary embeds, drop the prose (`description` strings) and
// every path detail kustomize does not read, and hand the result to kustomize
// through the `openapi: path:` field of the throw-away wrapper kustomization.
// 311 KB parse in a fraction of that. test/scripts/kustomize/render.test.ts checks that every overlay
// renders byte-for-byte the same with the built-in document and with this one.
//
// A render needs the definitions of the kinds it holds and of what they refer to,
// nothing else: `openApiForKinds` keeps that closure (preview: 246 of 618
// definitions, 167 KB), which saves kustomize a little more per process. The
// caller checks that every object kustomize rendered is of one of those kinds and
// renders again with the whole document when one is not.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync, constants } from 'node:zlib';
import { cacheFile, writeAtomic } from '../plumbing/cache.ts';
import { codeDigest } from '../plumbing/code.ts';

const GZIP = Buffer.from([0x1f, 0x8b, 0x08]);
const PREFIX = '{\n  "definitions": {';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Find and inflate the OpenAPI document gzipped inside the kustomize binary. */
export function embeddedOpenApi(binary: Buffer): Record<string, any> | undefined {
  for (let at = binary.indexOf(GZIP); at !== -1; at = binary.indexOf(GZIP, at + 1)) {
    let head: Buffer;
    try {
      head = gunzipSync(binary.subarray(at, at + 512), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      continue;
    }
    if (!head.toString('utf8').startsWith(PREFIX)) continue;
    const text = gunzipSync(binary.subarray(at), { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
    const doc = JSON.parse(text.slice(0, text.lastIndexOf('}') + 1)) as Record<string, any>;
    if (doc.definitions && doc.paths) return doc;
  }
  return undefined;
}

/** Drop documentation strings (a property *named* description is an object and stays). */
function withoutProse(node: Json): Json {
  if (Array.isArray(node)) return node.map(withoutProse);
  if (!node || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) if (!(k === 'description' && typeof v === 'string')) out[k] = withoutProse(v);
  return out;
}

/** The slim document: every definition, and each GET path reduced to its group-version-kind. */
export function slimOpenApi(doc: Record<string, any>): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    const gvk = item?.get?.['x-kubernetes-group-version-kind'];
    if (gvk) paths[path] = { get: { 'x-kubernetes-group-version-kind': gvk } };
  }
  return { swagger: doc.swagger ?? '2.0', info: doc.info ?? { title: 'Kubernetes', version: 'unknown' }, paths, definitions: withoutProse(doc.definitions) };
}

/**
 * Path of the slim document for this kustomize binary, built once and cached
 * (keyed by the binary's size and mtime, and this module's code). Undefined when the binary holds no
 * JSON OpenAPI document we recognise: callers then render without it, slower
 * but with kustomize's own defaults.
 */
export function slimOpenApiFile(kustomize: string): string | undefined {
  const st = statSync(kustomize);
  const file = cacheFile(`kustomize-openapi-${st.size}-${Math.trunc(st.mtimeMs)}-${codeDigest(import.meta.url)}.json`);
  if (existsSync(file)) return file;
  const doc = embeddedOpenApi(readFileSync(kustomize));
  if (!doc) return undefined;
  writeAtomic(file, JSON.stringify(slimOpenApi(doc)));
  return file;
}

/** The slim document with only the definitions of these kinds (any group and version) and everything they refer to. */
export function forKinds(slim: Record<string, any>, kinds: ReadonlySet<string>): Record<string, unknown> {
  const definitions: Record<string, unknown> = slim.definitions;
  const keep = new Set<string>();
  const refs = (node: unknown, out: string[]): string[] => {
    if (Array.isArray(node)) node.forEach((n) => refs(n, out));
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) k === '$ref' && typeof v === 'string' ? out.push(v.slice(v.lastIndexOf('/') + 1)) : refs(v, out);
    return out;
  };
  const todo = Object.entries<any>(definitions)
    .filter(([, d]) => (d['x-kubernetes-group-version-kind'] ?? []).some((g: { kind?: string }) => g.kind && kinds.has(g.kind)))
    .map(([name]) => name);
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    if (keep.has(name) || !(name in definitions)) continue;
    keep.add(name);
    todo.push(...refs(definitions[name], []));
  }
  return { ...slim, definitions: Object.fromEntries(Object.entries(definitions).filter(([name]) => keep.has(name))) };
}

/**
 * Path of the slim document cut down to `kinds`, built once per set of kinds and
 * cached next to the slim document; undefined when there is no slim document.
 */
export function openApiForKinds(kustomize: string, kinds: ReadonlySet<string>): string | undefined {
  const slimFile = slimOpenApiFile(kustomize);
  if (!slimFile) return undefined;
  const id = createHash('sha256').update([...kinds].sort().join('\n')).digest('hex').slice(0, 16);
  const file = slimFile.replace(/\.json$/, `-${id}.json`);
  if (!existsSync(file)) writeAtomic(file, JSON.stringify(forKinds(JSON.parse(readFileSync(slimFile, 'utf8')), kinds)));
  return file;
}
